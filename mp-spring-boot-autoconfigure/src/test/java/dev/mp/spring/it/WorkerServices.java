package dev.mp.spring.it;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

import dev.mp.CurrentProcess;
import dev.mp.spring.WorkerProcess;
import dev.mp.sync.ProcessLock;
import dev.mp.sync.SharedLong;

/**
 * Worker methods of every supported shape, and ones that fail in every way.
 */
@Service
public class WorkerServices {

	private final InPlaceService inPlace;

	public WorkerServices(InPlaceService inPlace) {
		this.inPlace = inPlace;
	}

	@WorkerProcess
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@WorkerProcess(fresh = true)
	public long freshPid() {
		return ProcessHandle.current().pid();
	}

	/** This worker as {@code CurrentProcess} sees it: pid, name, parent's pid. */
	@WorkerProcess
	public String currentProcess() {
		return CurrentProcess.pid() + " " + CurrentProcess.name() + " "
				+ CurrentProcess.parent().map(ProcessHandle::pid).orElse(-1L);
	}

	/** The MDC the call sees: the caller's request id, then mp's own keys. */
	@WorkerProcess
	public String mdc() {
		return MDC.get("requestId") + " " + MDC.get("mp.worker") + " " + MDC.get("mp.pid");
	}

	/** Logs an INFO and an ERROR with an exception through the application's logging, in the worker. */
	@WorkerProcess
	public long log(String what) {
		Logger logger = LoggerFactory.getLogger(WorkerServices.class);
		logger.info("worker logs {}", what);
		logger.error("worker failed at {}", what, new IllegalStateException("boom", new IOException("disk gone")));
		return ProcessHandle.current().pid();
	}

	@WorkerProcess(pool = "small")
	public long smallPoolPid() {
		return ProcessHandle.current().pid();
	}

	/** Adds to a counter the caller passed, under the caller's lock: both are the caller's own shared objects. */
	@WorkerProcess
	public long addUnderLock(ProcessLock lock, SharedLong counter, int times) {
		for (int i = 0; i < times; i++) {
			lock.lock();
			try {
				counter.set(counter.get() + 1);
			}
			finally {
				lock.unlock();
			}
		}
		return ProcessHandle.current().pid();
	}

	@WorkerProcess
	public Payload echo(Payload payload) {
		return new Payload(payload.text() + "!", payload.number() + 1);
	}

	@WorkerProcess(maxHeap = "96m")
	public long maxHeapBytes() {
		return Runtime.getRuntime().maxMemory();
	}

	@WorkerProcess
	public void sideEffect(String file) throws IOException {
		java.nio.file.Files.writeString(java.nio.file.Path.of(file), "written by " + ProcessHandle.current().pid());
	}

	@WorkerProcess
	public CompletableFuture<Long> pidLater() {
		return CompletableFuture.completedFuture(ProcessHandle.current().pid());
	}

	@WorkerProcess
	public Future<String> futureGreeting(String who) {
		return CompletableFuture.supplyAsync(() -> "hello " + who);
	}

	@WorkerProcess
	public int scheduledTicksInWorker() throws InterruptedException {
		Thread.sleep(500);
		return WorkerTestApplication.scheduledTicks.get();
	}

	@WorkerProcess
	public boolean runnerRanInWorker() {
		return WorkerTestApplication.runnerRan.get();
	}

	/** Calls another @WorkerProcess method from inside a worker: it must run in place, in the same pid. */
	@WorkerProcess
	public long[] nestedPids() {
		return new long[] { ProcessHandle.current().pid(), this.inPlace.pid() };
	}

	@WorkerProcess
	public String failChecked() throws IOException {
		throw new IOException("checked failure", new IllegalArgumentException("its cause"));
	}

	@WorkerProcess
	public String failUnchecked() {
		throw new IllegalStateException("unchecked failure");
	}

	@WorkerProcess
	public String failUnserializably() {
		throw new UnserializableException("cannot travel");
	}

	@WorkerProcess
	public String failHostilely() {
		throw new HostileException();
	}

	@WorkerProcess
	public String halt() {
		System.err.println("halting with 3");
		Runtime.getRuntime().halt(3);
		return "unreachable";
	}

	@WorkerProcess
	public int flood(int lines) {
		for (int i = 0; i < lines; i++) {
			System.out.println("flooding the parent's log, line " + i);
		}
		return lines;
	}

	@WorkerProcess
	public int length(Object anything) {
		return String.valueOf(anything).length();
	}

	/**
	 * A result of the kind asked for: {@code file} is refused by the allow-list, {@code thread} is not serializable.
	 */
	@WorkerProcess
	public Object result(String kind) {
		return switch (kind) {
			case "file" -> new File("data.txt");
			case "thread" -> new Thread();
			default -> kind;
		};
	}

	@WorkerProcess(jvmOptions = "-XX:+NoSuchOptionAnywhere")
	public String badJvmOption() {
		return "never";
	}

	@WorkerProcess(fresh = true)
	public CompletableFuture<Long> sleepThenPid(long millis) throws InterruptedException {
		Thread.sleep(millis);
		return CompletableFuture.completedFuture(ProcessHandle.current().pid());
	}

	/** Its getMessage() throws another of its kind, so that whatever describes the second fails too. */
	static final class HostileException extends RuntimeException {

		@Override
		public String getMessage() {
			throw new HostileException();
		}

	}

	/** An exception whose field cannot be serialized. */
	static final class UnserializableException extends RuntimeException {

		private final OutputStream stream = OutputStream.nullOutputStream();

		UnserializableException(String message) {
			super(message);
		}

	}

}

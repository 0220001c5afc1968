package dev.mp.spring.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import dev.mp.ChildProcess;
import dev.mp.ProcessDiedException;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.ProcessTemplate;
import dev.mp.RemoteExceptionStandIn;
import dev.mp.SerializationException;
import dev.mp.WorkerSetupException;
import dev.mp.spi.CallSites;
import dev.mp.sync.ProcessLock;
import dev.mp.sync.SharedLong;
import dev.mp.test.HostileThrowablesFailCleanly;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code @WorkerProcess} end to end: real child JVMs booting this test application in {@code spring} mode.
 */
// registered before Spring's extension, so it checks after the context (and its workers) has closed
@ExtendWith({ NoChildProcessesLeft.class, HostileThrowablesFailCleanly.class })
@SpringBootTest(classes = WorkerTestApplication.class,
		properties = { "it.parent-only=true", "mp.worker.environment-copy.exclude=it.parent-only",
				"mp.pools.small.size=1", "mp.pools.small.min-idle=0" })
@DirtiesContext
class WorkerProcessIntegrationTests {

	private static final long PARENT_PID = ProcessHandle.current().pid();

	@Autowired
	private WorkerServices workers;

	@Autowired
	private InPlaceService inPlace;

	@Autowired
	private ParentOnlyService parentOnly;

	@Autowired
	private ProcessTemplate template;

	@Test
	void aBlockingCallRunsInAWarmPoolWorkerThatIsReused() {
		long pid = this.workers.pid();
		assertThat(pid).isPositive().isNotEqualTo(PARENT_PID);
		assertThat(this.workers.echo(new Payload("hi", 41))).isEqualTo(new Payload("hi!", 42));
		assertThat(this.workers.pid()).isEqualTo(pid);
		ChildProcess worker = this.template.child(pid).orElseThrow();
		assertThat(worker.pool()).isEqualTo("default");
		assertThat(worker.bootstrapMode()).isEqualTo("spring");
		assertThat(worker.tasksCompleted()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void aSpringWorkerSeesItsOwnNameAndThisJvmAsItsParent() {
		String[] seen = this.workers.currentProcess().split(" ");
		long pid = Long.parseLong(seen[0]);
		assertThat(seen[1]).isEqualTo(this.template.child(pid).orElseThrow().name()).startsWith("default-");
		assertThat(Long.parseLong(seen[2])).isEqualTo(PARENT_PID);
	}

	@Test
	void aCallSeesTheCallersMdcForItsLengthAndMpsOwnKeys() {
		MDC.put("requestId", "r-7");
		String[] seen;
		try {
			seen = this.workers.mdc().split(" ");
		}
		finally {
			MDC.clear();
		}
		long pid = Long.parseLong(seen[2]);
		assertThat(seen[0]).isEqualTo("r-7");
		assertThat(seen[1]).isEqualTo(this.template.child(pid).orElseThrow().name());
		assertThat(this.workers.mdc()).startsWith("null ");
	}

	@Test
	void aWorkersLogEventsReachThisJvmsLoggerOfTheSameNameAsEvents() {
		ListAppender<ILoggingEvent> events = new ListAppender<>();
		ListAppender<ILoggingEvent> output = new ListAppender<>();
		Logger logger = (Logger) LoggerFactory.getLogger(WorkerServices.class);
		Logger outputLogger = (Logger) LoggerFactory.getLogger("dev.mp.worker.default");
		events.start();
		output.start();
		logger.addAppender(events);
		outputLogger.addAppender(output);
		MDC.put("requestId", "r-9");
		try {
			long pid = this.workers.log("step 3");
			String name = this.template.child(pid).orElseThrow().name();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(List.copyOf(events.list))
				.extracting(ILoggingEvent::getFormattedMessage)
				.containsExactly("worker logs step 3", "worker failed at step 3"));
			ILoggingEvent info = events.list.get(0);
			ILoggingEvent error = events.list.get(1);
			assertThat(info.getLevel()).isEqualTo(Level.INFO);
			assertThat(error.getLevel()).isEqualTo(Level.ERROR);
			assertThat(info.getThreadName()).isEqualTo("mp-call");
			assertThat(info.getMDCPropertyMap()).containsEntry("requestId", "r-9")
				.containsEntry("mp.worker", name)
				.containsEntry("mp.pid", Long.toString(pid));
			assertThat(error.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
			assertThat(error.getThrowableProxy().getCause().getMessage()).isEqualTo("disk gone");
			assertThat(List.copyOf(output.list)).extracting(ILoggingEvent::getFormattedMessage)
				.noneMatch((line) -> line.contains("step 3"));
		}
		finally {
			MDC.clear();
			logger.detachAppender(events);
			outputLogger.detachAppender(output);
		}
	}

	@Test
	void whatAWorkersContextLogsAsItBootsReachesThisJvmAsEvents() {
		ListAppender<ILoggingEvent> events = new ListAppender<>();
		Logger logger = (Logger) LoggerFactory.getLogger(WorkerTestApplication.class);
		events.start();
		logger.addAppender(events);
		try {
			long pid = this.workers.freshPid();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(List.copyOf(events.list))
				.extracting(ILoggingEvent::getFormattedMessage)
				.contains("context of pid " + pid + " booted"));
			ILoggingEvent booted = events.list.stream()
				.filter((event) -> event.getFormattedMessage().equals("context of pid " + pid + " booted"))
				.findFirst()
				.orElseThrow();
			assertThat(booted.getMDCPropertyMap()).containsKey("mp.worker");
		}
		finally {
			logger.detachAppender(events);
		}
	}

	@Test
	void sharedObjectsPassedToAWorkerMethodAreTheCallersOwn() throws Exception {
		ProcessLock lock = this.template.lock();
		SharedLong counter = this.template.sharedLong(0);
		CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> this.workers.addUnderLock(lock, counter,
				5_000));
		long pid = this.workers.addUnderLock(lock, counter, 5_000);
		assertThat(other.get(60, TimeUnit.SECONDS)).isNotEqualTo(PARENT_PID);
		assertThat(pid).isNotEqualTo(PARENT_PID);
		assertThat(counter.get()).isEqualTo(10_000);
		assertThat(lock.isLocked()).isFalse();
	}

	@Test
	void aMethodUsesThePoolItNames() {
		long pid = this.workers.smallPoolPid();
		assertThat(this.template.pool("small").workers()).extracting(ChildProcess::pid).containsExactly(pid);
		assertThat(this.template.child(pid).orElseThrow().pool()).isEqualTo("small");
	}

	@Test
	void aFreshMethodGetsAJvmOfItsOwnPerCall() {
		long first = this.workers.freshPid();
		long second = this.workers.freshPid();
		assertThat(first).isNotEqualTo(second).isNotEqualTo(PARENT_PID);
		ChildProcess child = this.template.child(second).orElseThrow();
		assertThat(child.description()).isEqualTo("workerServices.freshPid()");
		assertThat(child.pool()).isNull();
		assertThat(child.name()).startsWith("workerServices.freshPid-");
	}

	@Test
	void annotationSettingsReachTheChildJvmAndItsWorkersServeOnlyThatMethod() {
		assertThat(this.workers.maxHeapBytes()).isLessThanOrEqualTo(96L * 1024 * 1024);
		assertThat(this.template.pools()).extracting(ProcessPool::name).as("named by its settings, one space apart")
			.contains("default -Xmx96m");
		assertThat(this.template.pool("default").workers()).allSatisfy((worker) -> assertThat(this.template.pools()
			.stream()
			.filter((pool) -> pool.name().endsWith("-Xmx96m"))
			.flatMap((pool) -> pool.workers().stream())).doesNotContain(worker));
	}

	@Test
	void aVoidCallBlocksUntilTheChildIsDone(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("out.txt");
		this.workers.sideEffect(file.toString());
		assertThat(Files.readString(file)).startsWith("written by ").doesNotEndWith(" " + PARENT_PID);
	}

	@Test
	void futuresReturnAtOnceAndCompleteWithTheChildsValue() throws Exception {
		CompletableFuture<Long> pid = this.workers.pidLater();
		Future<String> greeting = this.workers.futureGreeting("bob");
		assertThat(pid.get(60, TimeUnit.SECONDS)).isNotEqualTo(PARENT_PID);
		assertThat(greeting.get(60, TimeUnit.SECONDS)).isEqualTo("hello bob");
	}

	@Test
	void classLevelAnnotationForksAndInsideAWorkerCallsRunInPlace() {
		assertThat(this.inPlace.pid()).isNotEqualTo(PARENT_PID);
		long[] pids = this.workers.nestedPids();
		assertThat(pids[0]).isNotEqualTo(PARENT_PID).isEqualTo(pids[1]);
	}

	@Test
	void runnersDoNotRunInWorkers() {
		assertThat(WorkerTestApplication.runnerRan).isTrue();
		assertThat(this.workers.runnerRanInWorker()).isFalse();
	}

	@Test
	void scheduledJobsDoNotRunInWorkers() throws InterruptedException {
		assertThat(this.workers.scheduledTicksInWorker()).isZero();
		org.awaitility.Awaitility.await().until(() -> WorkerTestApplication.scheduledTicks.get() > 0);
	}

	@Test
	void aClassLevelAnnotationLeavesObjectMethodsInPlace() {
		assertThat(this.inPlace.toString()).isEqualTo("in place, pid " + PARENT_PID);
	}

	@Test
	void aDeclaredCheckedExceptionArrivesWithMessageCauseAndBothStacks() {
		assertThatThrownBy(this.workers::failChecked).isInstanceOf(IOException.class)
			.hasMessage("checked failure")
			.hasCauseInstanceOf(IllegalArgumentException.class)
			.satisfies((ex) -> {
				StackTraceElement[] stack = ex.getStackTrace();
				assertThat(stack[0].getMethodName()).isEqualTo("failChecked");
				assertThat(stack).anySatisfy((frame) -> assertThat(frame.getClassName()).isEqualTo(CallSites.MARKER));
				assertThat(stack).anySatisfy((frame) -> assertThat(frame.getMethodName())
					.isEqualTo("aDeclaredCheckedExceptionArrivesWithMessageCauseAndBothStacks"));
			});
	}

	@Test
	void anUncheckedExceptionArrivesAsItself() {
		assertThatThrownBy(this.workers::failUnchecked).isInstanceOf(IllegalStateException.class)
			.hasMessage("unchecked failure");
	}

	@Test
	void anUnserializableExceptionArrivesAsAStandIn() {
		assertThatThrownBy(this.workers::failUnserializably).isInstanceOf(RemoteExceptionStandIn.class)
			.hasMessageContaining(WorkerServices.UnserializableException.class.getName())
			.hasMessageContaining("cannot travel");
	}

	@Test
	void anExceptionWhoseGetMessageThrowsArrivesAsAStandInWithTheCallSiteAndTheWorkerServesOn() {
		// the call has no timeout of its own: one that never answers must fail here, not hang the build
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			assertThatThrownBy(this.workers::failHostilely).isInstanceOfSatisfying(RemoteExceptionStandIn.class,
					(standIn) -> {
						assertThat(standIn.remoteClassName())
							.isEqualTo(WorkerServices.HostileException.class.getName());
						assertThat(standIn.remoteMessage()).contains("getMessage() threw");
						assertThat(standIn.getStackTrace()).anySatisfy(
								(frame) -> assertThat(frame.getClassName()).isEqualTo(CallSites.MARKER));
					});
			assertThat(this.workers.pid()).isPositive().isNotEqualTo(PARENT_PID);
		});
	}

	@Test
	void aChildThatHaltsGivesItsExitCodeAndTheApplicationServesOn() {
		assertThatThrownBy(this.workers::halt).isInstanceOfSatisfying(ProcessDiedException.class, (died) -> {
			assertThat(died.exitCode()).hasValue(3);
			assertThat(died.outputTail()).contains("halting with 3");
			assertThat(died.command()).contains("dev.mp.internal.worker.WorkerMain");
		}).hasMessageContaining("exit code 3");
		assertThat(this.workers.pid()).isNotEqualTo(PARENT_PID);
	}

	@Test
	void aChildFloodingStdoutStillAnswers() {
		assertThat(this.workers.flood(50_000)).isEqualTo(50_000);
	}

	@Test
	void anArgumentThatCannotBeSerializedFailsBeforeAnyFork() {
		int before = this.template.children().size();
		// a Thread: the fast codec carries a plain Object, which is not Serializable, but neither codec a thread
		assertThatThrownBy(() -> this.workers.length(new Thread())).isInstanceOf(SerializationException.class)
			.hasMessageContaining("java.lang.Thread");
		assertThat(this.template.children()).hasSize(before);
	}

	@Test
	void aBeanTheWorkerDoesNotHaveGivesAClearErrorWithTheCommand() {
		assertThatThrownBy(this.parentOnly::hello).isInstanceOfSatisfying(WorkerSetupException.class, (ex) -> {
			assertThat(ex.command()).contains("dev.mp.internal.worker.WorkerMain");
			assertThat(ex).hasMessageContaining("parentOnlyService").hasMessageContaining("command:");
		});
	}

	@Test
	void aChildThatCannotStartGivesTheCommandAndItsStderr() {
		assertThatThrownBy(this.workers::badJvmOption).isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("-XX:+NoSuchOptionAnywhere")
			.hasMessageContaining("Unrecognized VM option");
	}

	@Test
	void cancellingAFutureKillsItsChild() throws Exception {
		CompletableFuture<Long> slow = this.workers.sleepThenPid(60_000);
		ChildProcess child = this.template.children().get(this.template.children().size() - 1);
		assertThat(child.isAlive()).isTrue();
		slow.cancel(true);
		assertThat(child.onExit().get(30, TimeUnit.SECONDS).exitCode()).hasValue(-9);
		assertThatThrownBy(slow::get).isInstanceOf(java.util.concurrent.CancellationException.class);
	}

	@Test
	void activeChildrenListsARunningWorker() throws Exception {
		CompletableFuture<Long> slow = this.workers.sleepThenPid(1_000);
		assertThat(this.template.activeChildren()).isNotEmpty();
		long pid = slow.get(60, TimeUnit.SECONDS);
		assertThat(this.template.child(pid)).isPresent();
	}

}

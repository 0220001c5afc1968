package dev.mp.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.mp.ManagedProcess;
import dev.mp.MpException;
import dev.mp.ProcessTemplate;
import dev.mp.Progress;
import dev.mp.TaskFuture;
import dev.mp.sync.ProcessQueue;
import dev.mp.sync.SharedLong;

/**
 * The sample's HTTP face: each endpoint calls a {@code @WorkerProcess} method or {@link ProcessTemplate}, and says
 * which JVM did the work. Every parameter that sizes the work is checked before any is started: a request that asks
 * too much answers 400 with the allowed range (a problem detail), instead of pinning workers; one that would start
 * more fresh JVMs than are allowed at once answers 429.
 */
@RestController
public class WorkController {

	/** Counting primes up to ten million by trial division takes a worker seconds, not hours. */
	static final int MAX_UP_TO = 10_000_000;

	static final int MAX_PARTS = 64;

	static final int MAX_LINES = 1_000;

	/** Within the request timeout (spring.mvc.async.request-timeout); each call holds a JVM of its own meanwhile. */
	static final int MAX_SLEEP_SECONDS = 300;

	/**
	 * JVMs that {@code /sleep} (one each) and {@code /tutorial} (three) may have started and not yet seen exit, all
	 * requests together: pools bound the workers of the other endpoints, nothing bounds fresh JVMs but this.
	 */
	static final int MAX_FRESH_JVMS = 6;

	private final Semaphore freshJvms = new Semaphore(MAX_FRESH_JVMS);

	private final PrimeService primes;

	private final CrashService crashes;

	private final ChattyService chatty;

	private final WorkerInfoService workerInfo;

	private final ProcessTemplate processTemplate;

	private final String region;

	public WorkController(PrimeService primes, CrashService crashes, ChattyService chatty,
			WorkerInfoService workerInfo, ProcessTemplate processTemplate, @Value("${sample.region}") String region) {
		this.region = region;
		this.primes = primes;
		this.crashes = crashes;
		this.chatty = chatty;
		this.workerInfo = workerInfo;
		this.processTemplate = processTemplate;
	}

	/** Counts primes in a worker JVM; this request thread blocks until the worker answers. */
	@GetMapping("/primes")
	public PrimeCount primes(@RequestParam int upTo) {
		requireBetween("upTo", upTo, 0, MAX_UP_TO);
		long start = System.nanoTime();
		long count = this.primes.countPrimes(upTo);
		return new PrimeCount(upTo, count, appPid(), millisSince(start));
	}

	/** The same through a {@code CompletableFuture}: the request is completed asynchronously by Spring MVC. */
	@GetMapping("/primes/async")
	public CompletableFuture<PrimeCount> primesAsync(@RequestParam int upTo) {
		requireBetween("upTo", upTo, 0, MAX_UP_TO);
		long start = System.nanoTime();
		return this.primes.countPrimesAsync(upTo)
			.thenApply((count) -> new PrimeCount(upTo, count, appPid(), millisSince(start)));
	}

	/**
	 * The same, counted in steps by a worker that reports its progress after each: the answer says how many reports
	 * this request heard and the last one; {@code /actuator/processes} shows them while the worker is busy.
	 */
	@GetMapping("/primes/progress")
	public CompletableFuture<ReportedPrimeCount> primesWithProgress(@RequestParam int upTo) {
		requireBetween("upTo", upTo, 0, MAX_UP_TO);
		long start = System.nanoTime();
		AtomicInteger heard = new AtomicInteger();
		TaskFuture<Long> count = TaskFuture.of(this.primes.countPrimesReporting(upTo))
			.onProgress((progress) -> heard.incrementAndGet());
		// the future's own latest report: the last one came before the answer, its listener may run just after
		return count.thenApply((primes) -> new ReportedPrimeCount(upTo, primes, heard.get(),
				count.progress().orElse(null), millisSince(start)));
	}

	/**
	 * Splits the count into {@code parts} calls that run side by side in the pool's workers. They add into one
	 * {@code SharedLong} and report on one {@code ProcessQueue}, made here and passed as arguments, as Python's
	 * {@code Value} and {@code Queue}.
	 */
	@GetMapping("/primes/shared")
	public SharedPrimeCount primesShared(@RequestParam int upTo, @RequestParam(defaultValue = "4") int parts)
			throws InterruptedException {
		requireBetween("upTo", upTo, 0, MAX_UP_TO);
		requireBetween("parts", parts, 1, MAX_PARTS);
		long start = System.nanoTime();
		try (SharedLong total = this.processTemplate.sharedLong(0);
				ProcessQueue<String> progress = this.processTemplate.queue()) {
			List<CompletableFuture<Void>> calls = new ArrayList<>();
			// at most parts ranges of step numbers each, covering [0, upTo]; long, so that no sum wraps around
			long step = upTo / parts + 1;
			for (long from = 0; from <= upTo; from += step) {
				calls.add(this.primes.countPrimesShared((int) from, (int) Math.min(upTo, from + step - 1), total,
						progress));
			}
			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
			List<String> reports = new ArrayList<>();
			for (String report = progress.poll(); report != null; report = progress.poll()) {
				reports.add(report);
			}
			return new SharedPrimeCount(upTo, total.get(), reports, millisSince(start));
		}
	}

	/**
	 * A worker halts its JVM. The call fails with mp's {@code ProcessDiedException} (exit code 3), which this endpoint
	 * catches and answers as its result: the application itself is unharmed, and the pool replaces the worker.
	 */
	@GetMapping("/crash")
	public Map<String, String> crash() {
		try {
			return Map.of("result", this.crashes.crash());
		}
		catch (RuntimeException ex) {
			return Map.of("caught", describe(ex));
		}
	}

	/** A worker prints {@code lines} lines to its stdout; look for them in this application's log. */
	@GetMapping("/chatty")
	public Map<String, Integer> chatty(@RequestParam(defaultValue = "3") int lines) {
		requireBetween("lines", lines, 0, MAX_LINES);
		return Map.of("lines", this.chatty.chatty(lines));
	}

	/** This application's pid and the pid of the worker that answered. */
	@GetMapping("/pid")
	public Pids pid() {
		return new Pids(appPid(), this.workerInfo.pid());
	}

	/**
	 * The request's trace id here and in a worker's log context during a call: the same, since the worker continues
	 * the request's trace (send a {@code traceparent} header to choose it); and the {@code requestId} put in the MDC
	 * here, which the call carries.
	 */
	@GetMapping("/trace")
	public Map<String, String> trace(@RequestParam(defaultValue = "none") String requestId) {
		MDC.put("requestId", requestId);
		try {
			Map<String, String> worker = this.workerInfo.logContext();
			return Map.of("app", String.valueOf(MDC.get("traceId")), "worker", worker.get("traceId"), "workerRequestId",
					worker.get("requestId"));
		}
		finally {
			MDC.remove("requestId");
		}
	}

	/** {@code sample.region} here and in a worker, which sees the application's value wherever it was set. */
	@GetMapping("/region")
	public Map<String, String> region() {
		return Map.of("app", this.region, "worker", this.workerInfo.region());
	}

	/**
	 * A worker sleeps for {@code seconds}, then answers with its pid; meanwhile it is listed by
	 * {@code /actuator/processes} and can be terminated there.
	 */
	@GetMapping("/sleep")
	public CompletableFuture<Map<String, Long>> sleep(@RequestParam(defaultValue = "10") int seconds)
			throws InterruptedException {
		requireBetween("seconds", seconds, 0, MAX_SLEEP_SECONDS);
		takeFreshJvms(1);
		try {
			return this.workerInfo.sleep(seconds)
				.whenComplete((pid, failure) -> this.freshJvms.release(1))
				.thenApply((pid) -> Map.of("seconds", (long) seconds, "workerPid", pid));
		}
		catch (RuntimeException ex) {
			this.freshJvms.release(1);
			throw ex;
		}
	}

	/**
	 * {@link ProcessTemplate} used directly, as Python's tutorial does: three processes, each running
	 * {@code greet(who)}, started together and joined. Each sleeps one second, so the elapsed time is about one
	 * second plus a JVM start, not three.
	 */
	@GetMapping("/tutorial")
	public Tutorial tutorial() throws InterruptedException {
		List<String> greeted = List.of("bob", "alice", "carol");
		takeFreshJvms(greeted.size());
		long start = System.nanoTime();
		List<ManagedProcess> processes = new ArrayList<>();
		try {
			for (String who : greeted) {
				processes.add(this.processTemplate.process(SampleTasks::greet, who).name("greeter-" + who).start());
			}
			for (ManagedProcess process : processes) {
				process.join();
			}
		}
		finally {
			// a process that did not start, or that the join did not see end, is stopped before its JVM is handed back
			processes.stream().filter(ManagedProcess::isAlive).forEach(ManagedProcess::kill);
			this.freshJvms.release(greeted.size());
		}
		List<TutorialProcess> finished = processes.stream()
			.map((p) -> new TutorialProcess(p.name(), p.pid(), p.exitCode().isPresent() ? p.exitCode().getAsInt() : null))
			.toList();
		return new Tutorial(appPid(), finished, millisSince(start));
	}

	/** A failure that reaches a handler after an asynchronous call, such as a worker terminated mid-call. */
	@ExceptionHandler(MpException.class)
	public ResponseEntity<Map<String, String>> workerFailed(MpException ex) {
		return error(ex);
	}

	private static ResponseEntity<Map<String, String>> error(Throwable ex) {
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("error", describe(ex)));
	}

	/** mp's own exception, should a proxy have wrapped it: its class and message. */
	private static String describe(Throwable ex) {
		Throwable reported = ex;
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof MpException) {
				reported = t;
				break;
			}
		}
		return reported.getClass().getName() + ": " + reported.getMessage();
	}

	/** Answers 429 when the JVMs a request would start do not fit under {@link #MAX_FRESH_JVMS}. */
	private void takeFreshJvms(int jvms) {
		if (!this.freshJvms.tryAcquire(jvms)) {
			throw new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "At most " + MAX_FRESH_JVMS
					+ " JVMs of /sleep and /tutorial run at once, and this request needs " + jvms + ": try again later");
		}
	}

	/** Answers 400 with a problem detail naming the parameter and its range. */
	private static void requireBetween(String parameter, int value, int min, int max) {
		if (value < min || value > max) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					parameter + " must be between " + min + " and " + max + ", not " + value);
		}
	}

	private static long appPid() {
		return ProcessHandle.current().pid();
	}

	private static long millisSince(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
	}

	/** The answer of {@code /primes}. */
	public record PrimeCount(int upTo, long count, long callerPid, long elapsedMillis) {
	}

	/** The answer of {@code /primes/shared}: the shared total, and what each part reported on the queue. */
	public record ReportedPrimeCount(int upTo, long count, int reportsHeard, @Nullable Progress lastReport,
			long elapsedMillis) {
	}

	public record SharedPrimeCount(int upTo, long count, List<String> parts, long elapsedMillis) {
	}

	/** The answer of {@code /pid}. */
	public record Pids(long appPid, long workerPid) {
	}

	/** One process of {@code /tutorial}. */
	public record TutorialProcess(String name, long pid, Integer exitCode) {
	}

	/** The answer of {@code /tutorial}. */
	public record Tutorial(long appPid, List<TutorialProcess> processes, long elapsedMillis) {
	}

}

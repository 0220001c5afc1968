package dev.mp.sample;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/**
 * Tells which JVM a call ran in.
 */
@Service
public class WorkerInfoService {

	private final String region;

	public WorkerInfoService(@Value("${sample.region}") String region) {
		this.region = region;
	}

	/**
	 * {@code sample.region} as the worker's context has it: the application's value, even one given on its command
	 * line ({@code --sample.region=eu}), which the worker's own command line does not have.
	 */
	@WorkerProcess
	public String region() {
		return this.region;
	}

	/**
	 * The trace id and the request id in the worker's log context for this call: the caller's trace, which the worker
	 * continues, and the caller's MDC entry; the line it logs reaches the application's log with both.
	 */
	@WorkerProcess
	public Map<String, String> logContext() {
		LoggerFactory.getLogger(WorkerInfoService.class).info("log context asked");
		return Map.of("traceId", String.valueOf(MDC.get("traceId")), "requestId", String.valueOf(MDC.get("requestId")));
	}

	/** The pid of the worker JVM that ran this call: a warm worker of the default pool. */
	@WorkerProcess
	public long pid() {
		return ProcessHandle.current().pid();
	}

	/**
	 * Sleeps in a worker, then returns its pid: a call that stays in flight long enough to be seen in
	 * {@code /actuator/processes} (and terminated there). Each call gets a JVM of its own.
	 */
	@WorkerProcess(name = "sleeper", fresh = true)
	public CompletableFuture<Long> sleep(int seconds) throws InterruptedException {
		Thread.sleep(seconds * 1000L);
		return CompletableFuture.completedFuture(ProcessHandle.current().pid());
	}

}

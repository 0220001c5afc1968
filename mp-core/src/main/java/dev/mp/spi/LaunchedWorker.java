package dev.mp.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A worker a {@link WorkerLauncher} started, as far as the launcher knows it: how to stop it, and the facts of its
 * exit. The call path (connection, calls, answers) is the parent's and the same for every launcher.
 */
public interface LaunchedWorker {

	/** The operating-system pid of a local worker, or -1 where there is none on this machine (a pod). */
	long pid();

	/** The command the worker runs, for error messages. */
	List<String> command();

	/** Completes once the worker has ended, with how it ended. */
	CompletableFuture<WorkerExit> onExit();

	/** Waits, at most the given time, for the worker's last output to be read; called once it has exited. */
	default void awaitOutput(long millis) throws InterruptedException {
	}

	/** Asks the worker (and what it started) to stop: SIGTERM, or a pod deletion with its grace period. */
	void terminate();

	/** Stops the worker at once: SIGKILL, or a pod deletion without grace. */
	void kill();

	/**
	 * Delivers a cancel for a running call outside the worker's connection.
	 * @return {@code false} if this worker takes cancels as frames on its connection instead
	 */
	boolean cancel(long callId);

	/** CPU time used so far, where known. */
	default Optional<Duration> cpuTime() {
		return Optional.empty();
	}

	/** Resident memory in bytes, where known. */
	default OptionalLong residentMemoryBytes() {
		return OptionalLong.empty();
	}

	/** Where the worker runs, for people: for a pod its name, node and phase; empty for a local process. */
	default Map<String, String> details() {
		return Map.of();
	}

}

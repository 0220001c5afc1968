package dev.mp;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * A child JVM as its parent sees it: what {@link ProcessTemplate#activeChildren()} lists, whether it was started as a
 * {@link ManagedProcess} or to run a single call.
 */
public interface ChildProcess {

	/** Unique within its template. */
	String id();

	String name();

	/** The child's operating-system pid, or -1 when it runs on another machine (a pod). */
	long pid();

	boolean isDaemon();

	ProcessState state();

	boolean isAlive();

	/**
	 * Empty while the child runs; then its exit code, negative when a signal ended it (-9 for SIGKILL, -15 for
	 * SIGTERM), as Python's {@code exitcode} reports.
	 */
	OptionalInt exitCode();

	/** When the JVM was started. */
	Instant startTime();

	/** When the parent saw the child exit, or {@code null} while it runs. */
	@Nullable Instant exitTime();

	/** How the child ended ({@code exit code 3}, {@code killed by SIGKILL (9), exit code -9}); empty while it runs. */
	Optional<String> exitReason();

	/** CPU time the child has used, while it runs and where the platform tells. */
	Optional<Duration> cpuTime();

	/** The child's resident memory in bytes, while it runs and where the platform tells (Linux). */
	OptionalLong residentMemoryBytes();

	/**
	 * What the child's JVM last told about itself (heap, garbage collection, threads, classes, uptime), while it runs
	 * and once it has told: it does every {@link ProcessTemplate.Builder#jvmFactsInterval interval}, the first time
	 * within a second of its start.
	 */
	default Optional<JvmFacts> jvm() {
		return Optional.empty();
	}

	/** The running call's latest report of its progress (see {@link CurrentProcess#progress}), while it runs. */
	default Optional<Progress> progress() {
		return Optional.empty();
	}

	/** The child's last lines of stdout and stderr, oldest first: what it said before a crash. */
	List<String> outputTail();

	/** What the child runs: a task class, or bean and method. */
	String description();

	/** The pool the child works for, or {@code null} for a process or a single call. */
	@Nullable String pool();

	/** How many calls the child has answered. */
	long tasksCompleted();

	/** The bootstrap mode the child was started in. */
	String bootstrapMode();

	/** The launcher that started the child: {@code local}, {@code kubernetes}... */
	default String launcher() {
		return "local";
	}

	/**
	 * Where the child runs, as its launcher knows it: for a pod its name ({@code pod}), node ({@code node}) and phase
	 * ({@code phase}); empty for a local process.
	 */
	default Map<String, String> details() {
		return Map.of();
	}

	/** Completes when the child has exited. */
	CompletableFuture<? extends ChildProcess> onExit();

	/** Asks the child and its descendants to stop (SIGTERM); does nothing once the child has exited. */
	void terminate();

	/** Stops the child and its descendants at once (SIGKILL); does nothing once the child has exited. */
	void kill();

}

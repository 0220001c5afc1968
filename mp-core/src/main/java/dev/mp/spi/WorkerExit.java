package dev.mp.spi;

import org.jspecify.annotations.Nullable;

/**
 * How a worker ended.
 *
 * @param exitCode the exit code, negative when a signal ended it (-9 for SIGKILL), as Python reports it; {@code null}
 * when the worker never ran (a pod whose image could not be pulled)
 * @param reason what the launcher knows beyond the code ({@code OOMKilled}, {@code ErrImagePull: ...}), or
 * {@code null}
 * @param outOfMemory whether it was killed for exceeding its memory limit
 */
public record WorkerExit(@Nullable Integer exitCode, @Nullable String reason, boolean outOfMemory) {

	/** A process's exit status as the JDK gives it: 128+n for a process ended by signal n, reported as -n. */
	public static WorkerExit ofExitValue(int exitValue) {
		return new WorkerExit(fromExitValue(exitValue), null, false);
	}

	/** 128+n (a shell's or a container runtime's way to say "signal n") as -n; other codes as they are. */
	public static int fromExitValue(int exitValue) {
		return (exitValue > 128 && exitValue <= 128 + 64) ? -(exitValue - 128) : exitValue;
	}

}

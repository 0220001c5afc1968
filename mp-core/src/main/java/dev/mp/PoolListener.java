package dev.mp;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import org.jspecify.annotations.Nullable;

/**
 * Hears what happens in pools, for metrics: tasks ending, workers starting and exiting. Called on mp's threads, so
 * implementations must be quick and must not block; an exception thrown here is logged and ignored.
 */
public interface PoolListener {

	/**
	 * A task has ended.
	 * @param pool the pool's name
	 * @param queued how long it waited for a worker
	 * @param ran how long it ran in its worker (zero if it never started)
	 * @param outcome how it ended
	 */
	default void taskEnded(String pool, Duration queued, Duration ran, TaskOutcome outcome) {
	}

	/**
	 * A worker has become ready.
	 * @param pool the pool's name
	 * @param startup from launch until ready for its first task
	 */
	default void workerStarted(String pool, Duration startup) {
	}

	/**
	 * A worker exited on its own (not retired or closed by the pool).
	 * @param pool the pool's name
	 * @param cause {@code exit-N} for an exit code, or the signal's name ({@code SIGKILL}); see
	 * {@link ChildProcessException#signal()}
	 */
	default void workerDied(String pool, String cause) {
	}

	/** How a task ended. */
	enum TaskOutcome {

		/** It returned a value. */
		SUCCESS,

		/** It threw. */
		FAILURE,

		/** Its worker died under it. */
		CRASH,

		/** It ran past its timeout and its worker was killed. */
		TIMEOUT,

		/** Its caller cancelled it. */
		CANCELLED;

		/**
		 * How a task ended that completed with this failure: a worker that died, or never started or set up, is a
		 * crash.
		 * @param failure what the task's future failed with (unwrapped), or {@code null} if it returned
		 */
		public static TaskOutcome of(@Nullable Throwable failure) {
			if (failure == null) {
				return SUCCESS;
			}
			if (failure instanceof CancellationException) {
				return CANCELLED;
			}
			if (failure instanceof TaskTimeoutException) {
				return TIMEOUT;
			}
			return (failure instanceof ChildProcessException) ? CRASH : FAILURE;
		}

	}

}

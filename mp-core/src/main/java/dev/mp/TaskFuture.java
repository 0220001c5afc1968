package dev.mp;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The future of a task or call mp runs in a worker, which also hears the task's {@link Progress} as it reports it
 * with {@link CurrentProcess#progress(long, long, String)}. Every future mp returns for a call is one, typed as the
 * {@link CompletableFuture} that {@code ExecutorService} users and {@code @WorkerProcess} (as {@code @Async}) methods
 * expect; {@link #of} gives it its type: {@code TaskFuture.of(pool.submit(task)).onProgress(...)}. Only the call's
 * own future hears progress: a future derived from it ({@code thenApply}, ...) does not.
 *
 * @param <T> the result type
 */
public abstract class TaskFuture<T> extends CompletableFuture<T> {

	protected TaskFuture() {
	}

	/**
	 * Calls the listener with each report of the task's progress, oldest first, on mp's callback threads and never two
	 * at a time; the report the task made last before it answered is always among them, though it may come just after
	 * this future completes. A slow listener is given the latest report, not every one. A listener added after reports
	 * came starts with the latest.
	 * @return this future
	 */
	public abstract TaskFuture<T> onProgress(Consumer<? super Progress> listener);

	/** The task's latest report of its progress, if it made one. */
	public abstract Optional<Progress> progress();

	/**
	 * A future mp returned for a call (from {@link ProcessPool#submit}, {@link ProcessTemplate#submit}, a
	 * {@code @WorkerProcess} method), as what it is.
	 * @throws IllegalArgumentException if mp did not make it
	 */
	@SuppressWarnings("unchecked")
	public static <T> TaskFuture<T> of(CompletableFuture<T> future) {
		if (future instanceof TaskFuture<?> task) {
			return (TaskFuture<T>) task;
		}
		throw new IllegalArgumentException("Not a future of a task mp runs: " + future.getClass().getName());
	}

}

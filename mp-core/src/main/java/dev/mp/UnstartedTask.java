package dev.mp;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * A {@link Callable} that {@link ProcessPool#shutdownNow()} took out of the queue before it started, as the
 * {@link Runnable} that {@code ExecutorService.shutdownNow()} returns; a {@code Runnable} comes back as itself.
 *
 * @param task the callable as it was submitted
 */
public record UnstartedTask(Callable<?> task) implements Runnable {

	/**
	 * Calls the task here, in the calling thread, and drops its result: its future was cancelled.
	 * @throws CompletionException with what the task threw, if that is a checked exception
	 */
	@Override
	public void run() {
		try {
			this.task.call();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CompletionException(ex);
		}
	}

	/** A task as {@code shutdownNow()} returns it: a {@code Runnable} as itself, a {@code Callable} wrapped. */
	static Runnable of(Object task) {
		return (task instanceof Runnable runnable) ? runnable : new UnstartedTask((Callable<?>) task);
	}

}

package dev.mp.internal.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a pool is in its life: open; shut down (no new tasks, while the queued and running ones still run); closed
 * (the queued ones failed, the running ones given a grace); terminated once it is shut down with nothing queued and
 * every worker gone. Guarded by the pool's lock, but for the termination, which anyone may wait for.
 */
final class PoolLifecycle {

	private final String pool;

	/** Set by a shutdown and by close. */
	private boolean shutdown;

	private boolean closed;

	private final CompletableFuture<Void> terminated = new CompletableFuture<>();

	PoolLifecycle(String pool) {
		this.pool = pool;
	}

	/**
	 * Throws unless the pool takes new tasks.
	 * @throws RejectedExecutionException if it is shut down or closed, as an {@code ExecutorService} that is
	 */
	void checkOpen() {
		if (this.closed) {
			throw new RejectedExecutionException("Pool '" + this.pool + "' is closed: it takes no new tasks");
		}
		if (this.shutdown) {
			throw new RejectedExecutionException("Pool '" + this.pool + "' is shut down: it takes no new tasks");
		}
	}

	/** Whether it takes no new tasks: shut down or closed. */
	boolean isShutdown() {
		return this.shutdown;
	}

	boolean isClosed() {
		return this.closed;
	}

	void shutDown() {
		this.shutdown = true;
	}

	/** @return {@code false} if it was closed already */
	boolean close() {
		if (this.closed) {
			return false;
		}
		this.closed = true;
		this.shutdown = true;
		return true;
	}

	/**
	 * Terminates, once shut down, if the pool is done: nothing queued and no worker left. The actions waiting for it
	 * run here, under the pool's lock: they must be quick and take no lock of the pool's.
	 */
	void terminateIf(boolean done) {
		if (this.shutdown && done) {
			this.terminated.complete(null);
		}
	}

	boolean isTerminated() {
		return this.terminated.isDone();
	}

	/** Waits for the termination, at most the given time; {@code true} if it came. */
	boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		try {
			this.terminated.get(timeout, unit);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A termination never fails", ex);
		}
	}

	/** Runs the action once terminated; at once if it is. */
	void whenTerminated(Runnable action) {
		this.terminated.thenRun(action);
	}

}

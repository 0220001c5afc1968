package dev.mp.internal.pool;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.mp.PoolOptions;

/**
 * A pool's bound on the tasks that wait for a busy worker ({@link PoolOptions#maxQueued()}), and the callers waiting
 * for room in its full queue, on the pool's lock. Every method but the constructor runs holding that lock.
 */
final class QueueBound {

	private final String pool;

	private final int max;

	private final Object lock;

	/** Callers waiting for room, on the lock's monitor. */
	private int waiting;

	QueueBound(String pool, int max, Object lock) {
		this.pool = pool;
		this.max = max;
		this.lock = lock;
	}

	/**
	 * Whether {@code max} tasks already wait for a busy worker; those that a starting worker will take do not count,
	 * so that a cold pool takes a burst as large as its size.
	 */
	boolean isFull(int queued, long starting) {
		// the starting workers are counted only when the queue is long enough for them to matter
		return this.max > 0 && queued >= this.max && queued - starting >= this.max;
	}

	/** Why a task finds the queue full, and what to do about it. */
	RejectedExecutionException rejection(int queued, long starting) {
		long forStarting = Math.min(queued, starting);
		String forWorkersStarting = (forStarting > 0) ? " and " + forStarting + " for workers starting" : "";
		return new RejectedExecutionException("Pool '" + this.pool + "' rejected a task: its queue is full, "
				+ (queued - forStarting) + " task(s) waiting for a busy worker (max-queued: " + this.max + ")"
				+ forWorkersStarting + "; raise mp.pools." + this.pool + ".max-queued (PoolOptions.maxQueued), or set "
				+ "mp.pools." + this.pool + ".queue-full-policy=wait (QueueFullPolicy.WAIT) for callers to wait for room");
	}

	/** What a caller gets when interrupted while it waits for room; its interrupt is kept. */
	RejectedExecutionException interrupted(InterruptedException ex) {
		Thread.currentThread().interrupt();
		return new RejectedExecutionException("Interrupted while waiting for room in the queue of pool '" + this.pool
				+ "'", ex);
	}

	/**
	 * Waits for room, or at most {@code nanos}: a real wait, on the system's clock; callers waiting for room are not
	 * served in order.
	 * @return the nanoseconds left
	 */
	long awaitRoom(long nanos) throws InterruptedException {
		long before = System.nanoTime();
		this.waiting++;
		try {
			TimeUnit.NANOSECONDS.timedWait(this.lock, nanos);
		}
		finally {
			this.waiting--;
		}
		return nanos - (System.nanoTime() - before);
	}

	/** Wakes the callers waiting for room: a queued task was taken or dropped, a worker started, or the pool closed. */
	void roomMade() {
		if (this.waiting > 0) {
			this.lock.notifyAll();
		}
	}

}

package dev.mp;

/**
 * What {@link ProcessPool#submit} and {@link ProcessPool#invoke} do when the pool's queue is at its bound,
 * {@link PoolOptions#maxQueued()}. A map's own chunks and the tasks of {@code invokeAll} and {@code invokeAny} wait
 * for room whatever it says.
 */
public enum QueueFullPolicy {

	/**
	 * Throws {@link java.util.concurrent.RejectedExecutionException} at once, as the JDK's executors do with a full
	 * queue; the task never runs.
	 */
	REJECT,

	/**
	 * Blocks the caller until there is room: a queued task was taken by a worker or cancelled. If the pool closes
	 * meanwhile, {@link IllegalStateException} as for any task submitted to a closed pool; if the caller is
	 * interrupted, {@link java.util.concurrent.RejectedExecutionException} with the interrupt kept.
	 */
	WAIT

}

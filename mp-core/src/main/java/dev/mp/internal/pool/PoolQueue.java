package dev.mp.internal.pool;

import java.util.List;

import dev.mp.internal.call.CallbackFuture;

/** What a pool's {@link PoolWorkers} ask of its queue; each is called holding the pool's lock. */
interface PoolQueue {

	boolean isClosed();

	/** Whether it takes no new tasks: shut down or closed. */
	boolean isShutdown();

	/** Whether it takes no new tasks and has none queued: a worker without a task is not needed. */
	boolean isDrained();

	/** Hands queued tasks to idle workers and starts workers for the rest. */
	void dispatch();

	/** Takes every queued task out of the queue, for them to fail with a start failure. */
	List<CallbackFuture<Object>> drain();

	/** The pool terminates if it is drained and no worker is left. */
	void terminateIfDone();

}

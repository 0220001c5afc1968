package dev.mp.internal.pool;

import java.util.List;

import dev.mp.internal.call.CallbackFuture;

/** What a pool's {@link PoolWorkers} ask of its queue; each is called holding the pool's lock. */
interface PoolQueue {

	boolean isClosed();

	/** Hands queued tasks to idle workers and starts workers for the rest. */
	void dispatch();

	/** Takes every queued task out of the queue, for them to fail with a start failure. */
	List<CallbackFuture<Object>> drain();

}

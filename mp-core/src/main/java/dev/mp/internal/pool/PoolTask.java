package dev.mp.internal.pool;

import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.pool.PoolWorkers.Worker;

/** A call for the pool, queued or running. */
final class PoolTask<W extends PoolWorker> {

	/** Frozen while it waits in the queue; read and written under the pool's lock. */
	CallRequest request;

	final CallbackFuture<Object> result;

	volatile @Nullable Worker<W> worker;

	volatile long callId;

	volatile @Nullable Future<?> timer;

	final long submitted;

	volatile long started;

	PoolTask(CallRequest request, CallbackFuture<Object> result, long submitted) {
		this.request = request;
		this.result = result;
		this.submitted = submitted;
	}

}

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

	/** The task as its caller gave it, for a shutdown to return if it never started; none for a pool's own calls. */
	final @Nullable Object original;

	volatile @Nullable Worker<W> worker;

	volatile long callId;

	volatile @Nullable Future<?> timer;

	final long submitted;

	volatile long started;

	PoolTask(CallRequest request, CallbackFuture<Object> result, @Nullable Object original, long submitted) {
		this.request = request;
		this.result = result;
		this.original = original;
		this.submitted = submitted;
	}

}

package dev.mp.spring.proxy;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Mono;

import dev.mp.ProcessPool;
import dev.mp.spi.BeanCall;

/**
 * A {@code @WorkerProcess} call as the {@code Mono} or {@code Flux} its method returns: nothing is sent until a
 * subscription, and cancelling the subscription cancels the call. Loaded only for such methods, so Reactor is needed
 * only by applications that return its types.
 */
final class ReactiveReturns {

	private ReactiveReturns() {
	}

	/** Sends the call on each subscription; a cancel cancels its future, as {@code future.cancel(true)} does. */
	static Object mono(Supplier<CompletableFuture<Object>> call) {
		return Mono.fromFuture(call);
	}

	/** Streams the elements of what the method returns in a worker of the pool. */
	static Object flux(ProcessPool pool, BeanCall call) {
		return JdkFlowAdapter.flowPublisherToFlux(pool.stream(call, ProcessPool.DEFAULT_STREAM_WINDOW));
	}

}

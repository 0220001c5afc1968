package dev.mp.spring.child;

import org.jspecify.annotations.Nullable;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a worker's {@code @WorkerProcess} method returned, in the JDK's terms: a {@code Mono} as a future the worker
 * waits on (cancelling it cancels the subscription), a {@code Flux} as a {@code Flow.Publisher} the worker streams.
 * Loaded only when Reactor is on the class path.
 */
final class ReactorResults {

	private ReactorResults() {
	}

	static @Nullable Object adapt(@Nullable Object value) {
		if (value instanceof Mono<?> mono) {
			return mono.toFuture();
		}
		if (value instanceof Flux<?> flux) {
			return JdkFlowAdapter.publisherToFlowPublisher(flux);
		}
		return value;
	}

}

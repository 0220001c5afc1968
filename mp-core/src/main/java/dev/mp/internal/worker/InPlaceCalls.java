package dev.mp.internal.worker;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.call.BeanMethodInvocation;
import dev.mp.internal.call.CallEncoder;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.call.Outcome;
import dev.mp.internal.wire.Frame;
import dev.mp.spi.BeanCall;
import dev.mp.spi.CallObserver;
import dev.mp.spi.ChildBootstrap;
import dev.mp.spi.Codec;

/**
 * Runs bean method calls in the caller's own JVM, each on a thread of its own, the way a worker runs them: the call is
 * encoded as for a worker (the allow-list checked as it is sent, in the caller's thread), decoded and run by a
 * worker's executor with a worker's codec, and its answer read back as the parent reads a worker's. So a value that
 * could not travel fails as it would in a real call, with no child JVM started: for tests.
 */
public final class InPlaceCalls {

	private final CallEncoder encoder;

	private final Codec workerCodec;

	private final int maxFrameBytes;

	private final @Nullable CallObserver observer;

	private final ClassLoader classLoader;

	private final Function<byte[], Object> decode;

	private final AtomicLong ids = new AtomicLong();

	/**
	 * @param encoder the template's, whose codec and allow-list the calls pass
	 * @param observer the template's call observer, which also opens each call's scope as a worker's would, or
	 * {@code null}
	 */
	public InPlaceCalls(CallEncoder encoder, int maxFrameBytes, @Nullable CallObserver observer,
			ClassLoader classLoader) {
		this.encoder = encoder;
		this.workerCodec = WorkerCodec.inPlace(encoder.choice(), maxFrameBytes, classLoader);
		this.maxFrameBytes = maxFrameBytes;
		this.observer = observer;
		this.classLoader = classLoader;
		this.decode = (bytes) -> encoder.codec().decode(bytes, classLoader);
	}

	/**
	 * Runs the call on {@code bean}; cancelling the future with interruption interrupts the call.
	 * @param bean the object whose method runs: the target, not a proxy that would send the call again
	 * @param pool the pool the call stands for, as the observer sees it, or {@code null} for a fresh JVM
	 * @param returned what the method's return value becomes before it is sent (see {@link ChildBootstrap#returned})
	 * @throws dev.mp.SerializationException at once if an argument cannot be sent, as a pool's
	 * {@code invoke} does
	 */
	public CompletableFuture<Object> invoke(BeanCall call, Object bean, @Nullable String pool,
			UnaryOperator<@Nullable Object> returned) {
		CallRequest request = this.encoder.beanCall(BeanMethodInvocation.of(call), pool);
		long id = this.ids.incrementAndGet();
		Frame frame = new Frame(request.type(), id, request.payload().bytes());
		CompletableFuture<Object> result = new CompletableFuture<>();
		request.observeUntil(result);
		InPlaceBootstrap bootstrap = new InPlaceBootstrap(bean, this.observer, returned);
		Thread thread = new Thread(() -> answer(frame, bootstrap, result), "mp-in-place-" + id);
		thread.setDaemon(true);
		thread.setContextClassLoader(this.classLoader);
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				// as a cancel reaches a worker's call
				thread.interrupt();
			}
		});
		thread.start();
		return result;
	}

	private void answer(Frame frame, InPlaceBootstrap bootstrap, CompletableFuture<Object> result) {
		CallExecutor executor = new CallExecutor(this.workerCodec, this.classLoader,
				bootstrap, this.maxFrameBytes);
		CallExecutor.Answer answer = executor.answer(frame, null, null);
		Outcome outcome = Outcome.read(answer.type(), ByteBuffer.wrap(answer.payload().bytes()), this.decode,
				(failure) -> failure.rebuild(this.decode));
		ChildCall.settle(result, outcome.value(), outcome.failure());
	}

	/** A worker's bootstrap whose one bean is the call's target. */
	private record InPlaceBootstrap(Object target, @Nullable CallObserver callObserver,
			UnaryOperator<@Nullable Object> adapter) implements ChildBootstrap {

		@Override
		public String mode() {
			return "in-place";
		}

		@Override
		public void start(Map<String, String> attributes) {
		}

		@Override
		public Object bean(@Nullable String beanName, Class<?> type) {
			return type.cast(this.target);
		}

		@Override
		public @Nullable Object returned(@Nullable Object value) {
			return this.adapter.apply(value);
		}

		@Override
		public void close() {
		}

	}

}

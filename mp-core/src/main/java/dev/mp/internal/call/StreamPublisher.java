package dev.mp.internal.call;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The caller's side of a streamed call, as a {@link Flow.Publisher}: each subscription sends the call anew, hands the
 * elements to its subscriber as it requests them, tells the worker each time the subscriber took some (so that the
 * worker has at most the window in flight), completes or fails with the call's answer, and cancels the call when the
 * subscriber cancels. Signals go out on the thread that requested or on the template's callback executor, never on
 * the connection's reader thread.
 *
 * @param <T> the type of the elements
 */
public final class StreamPublisher<T> implements Flow.Publisher<T> {

	private final int window;

	private final Executor signals;

	private final Function<CallRequest, CompletableFuture<Object>> submit;

	private final Supplier<CallRequest> request;

	/**
	 * @param window how many elements the worker may send ahead of the subscriber's demand
	 * @param signals where elements that arrive are passed on
	 * @param request makes the call for one subscription (encoding it then)
	 * @param submit sends it; cancelling its future cancels the call
	 */
	public StreamPublisher(int window, Executor signals, Supplier<CallRequest> request,
			Function<CallRequest, CompletableFuture<Object>> submit) {
		if (window < 1) {
			throw new IllegalArgumentException("A stream's window must be at least 1, not " + window);
		}
		this.window = window;
		this.signals = signals;
		this.request = request;
		this.submit = submit;
	}

	@Override
	public void subscribe(Flow.Subscriber<? super T> subscriber) {
		Subscription<T> subscription = new Subscription<>(subscriber, this.signals);
		subscriber.onSubscribe(subscription);
		if (subscription.cancelled) {
			return;
		}
		try {
			CallRequest call = this.request.get().streamed(this.window, subscription);
			subscription.started(this.submit.apply(call));
		}
		catch (RuntimeException ex) {
			subscription.failed(ex);
		}
	}

	private static final class Subscription<T> implements Flow.Subscription, ElementSink {

		private final Flow.Subscriber<? super T> subscriber;

		private final Executor signals;

		private final Queue<Object> buffer = new ConcurrentLinkedQueue<>();

		private final AtomicLong requested = new AtomicLong();

		/** The classic drain guard: only the thread that raised it from 0 signals, the others leave it work. */
		private final AtomicInteger work = new AtomicInteger();

		private volatile @Nullable CompletableFuture<Object> call;

		private volatile @Nullable IntConsumer demand;

		/** Set once the call has answered (or failed to start), after every element it sent is in the buffer. */
		private volatile boolean done;

		private volatile @Nullable Throwable failure;

		/** Cancelled by the subscriber, or terminated: nothing more is signalled. */
		private volatile boolean cancelled;

		Subscription(Flow.Subscriber<? super T> subscriber, Executor signals) {
			this.subscriber = subscriber;
			this.signals = signals;
		}

		void started(CompletableFuture<Object> call) {
			this.call = call;
			call.whenComplete((value, thrown) -> {
				if (thrown != null && this.failure == null) {
					this.failure = ChildCall.unwrap(thrown);
				}
				this.done = true;
				drain();
			});
			if (this.cancelled) {
				call.cancel(true);
			}
		}

		@Override
		public void bind(IntConsumer demand) {
			this.demand = demand;
		}

		@Override
		public void element(Object value) {
			this.buffer.add(value);
			this.signals.execute(this::drain);
		}

		@Override
		public void failed(Throwable failure) {
			this.failure = failure;
			CompletableFuture<Object> running = this.call;
			if (running != null) {
				// its answer ends the stream with this failure rather than the cancellation
				running.cancel(true);
			}
			else {
				this.done = true;
				drain();
			}
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				failed(new IllegalArgumentException("Reactive Streams rule 3.9: request " + n + " is not positive"));
				return;
			}
			this.requested.getAndAccumulate(n, (current, more) -> (current + more < 0) ? Long.MAX_VALUE
					: current + more);
			drain();
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			this.buffer.clear();
			CompletableFuture<Object> running = this.call;
			if (running != null) {
				running.cancel(true);
			}
		}

		@SuppressWarnings("unchecked")
		private void drain() {
			if (this.work.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			do {
				long wanted = this.requested.get();
				int taken = 0;
				while (taken < wanted && !this.cancelled) {
					Object next = this.buffer.poll();
					if (next == null) {
						break;
					}
					this.subscriber.onNext((T) next);
					taken++;
				}
				if (this.cancelled) {
					return;
				}
				if (this.done && this.buffer.isEmpty()) {
					terminate();
					return;
				}
				if (taken > 0) {
					this.requested.addAndGet(-taken);
					IntConsumer worker = this.demand;
					if (worker != null) {
						worker.accept(taken);
					}
				}
				missed = this.work.addAndGet(-missed);
			}
			while (missed != 0);
		}

		private void terminate() {
			this.cancelled = true;
			Throwable thrown = this.failure;
			if (thrown == null) {
				this.subscriber.onComplete();
			}
			else {
				this.subscriber.onError(thrown);
			}
		}

	}

}

package dev.mp.internal.worker;

import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.BaseStream;

import org.jspecify.annotations.Nullable;

/**
 * The elements of what a streamed call returned, pulled one at a time: a {@code Stream}, an {@code Iterable}, an
 * {@code Iterator}, or a {@code Flow.Publisher} asked for one element per pull, so that nothing is produced ahead of
 * the pulls. Closing it closes the stream or cancels the subscription.
 */
abstract class Elements implements AutoCloseable {

	/** What {@link #next()} returns after the last element. */
	static final Object END = new Object();

	/** The next element, or {@link #END}; what the source throws comes out here. */
	abstract Object next() throws Throwable;

	@Override
	public abstract void close();

	static Elements of(@Nullable Object returned) {
		if (returned instanceof BaseStream<?, ?> stream) {
			return new Pulled(stream.iterator(), stream);
		}
		if (returned instanceof Iterable<?> iterable) {
			return new Pulled(iterable.iterator(), null);
		}
		if (returned instanceof Iterator<?> iterator) {
			return new Pulled(iterator, null);
		}
		if (returned instanceof Flow.Publisher<?> publisher) {
			Subscribed subscribed = new Subscribed();
			publisher.subscribe(subscribed);
			return subscribed;
		}
		throw new IllegalStateException("A streamed call returned "
				+ ((returned != null) ? "a " + returned.getClass().getName() : "null")
				+ ", not a Stream, Iterable, Iterator or Publisher of its elements");
	}

	private static final class Pulled extends Elements {

		private final Iterator<?> iterator;

		private final @Nullable AutoCloseable closing;

		Pulled(Iterator<?> iterator, @Nullable AutoCloseable closing) {
			this.iterator = iterator;
			this.closing = closing;
		}

		@Override
		Object next() {
			return this.iterator.hasNext() ? this.iterator.next() : END;
		}

		@Override
		public void close() {
			if (this.closing != null) {
				try {
					this.closing.close();
				}
				catch (Exception ex) {
					// the stream's answer is decided already
				}
			}
		}

	}

	/** A subscriber that asks for one element at each pull and waits for it, interruptibly. */
	private static final class Subscribed extends Elements implements Flow.Subscriber<Object> {

		/** The subscription first, then elements, then an {@link End}. */
		private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();

		private Flow.@Nullable Subscription subscription;

		private boolean ended;

		@Override
		Object next() throws Throwable {
			if (this.ended) {
				return END;
			}
			if (this.subscription == null) {
				Object first = this.signals.take();
				if (first instanceof Flow.Subscription given) {
					this.subscription = given;
				}
				else {
					return ended(first);
				}
			}
			this.subscription.request(1);
			Object signal = this.signals.take();
			return (signal instanceof End) ? ended(signal) : signal;
		}

		private Object ended(Object signal) throws Throwable {
			this.ended = true;
			Throwable failure = ((End) signal).failure();
			if (failure != null) {
				throw failure;
			}
			return END;
		}

		@Override
		public void close() {
			if (!this.ended && this.subscription != null) {
				this.subscription.cancel();
			}
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.signals.add(subscription);
		}

		@Override
		public void onNext(Object item) {
			this.signals.add(item);
		}

		@Override
		public void onError(Throwable failure) {
			this.signals.add(new End(failure));
		}

		@Override
		public void onComplete() {
			this.signals.add(new End(null));
		}

		private record End(@Nullable Throwable failure) {
		}

	}

}

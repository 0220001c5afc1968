package dev.mp.internal.call;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.Progress;

/**
 * The listeners of one call's progress: each report is handed to each listener on the callback executor, one at a
 * time per listener and in order. A listener still busy when reports come gets the latest when it is done, so a slow
 * one neither queues up reports nor holds up the child's frames.
 */
final class ProgressListeners {

	private static final Logger logger = LoggerFactory.getLogger(ProgressListeners.class);

	private final Executor callbacks;

	private final List<Listener> listeners = new ArrayList<>();

	private @Nullable Progress latest;

	ProgressListeners(Executor callbacks) {
		this.callbacks = callbacks;
	}

	/** Takes a report; called on the thread that read it, so it only hands it over. */
	void report(Progress progress) {
		List<Listener> told;
		synchronized (this) {
			this.latest = progress;
			told = List.copyOf(this.listeners);
		}
		told.forEach((listener) -> listener.offer(progress));
	}

	void add(Consumer<? super Progress> consumer) {
		Listener listener = new Listener(consumer);
		Progress current;
		synchronized (this) {
			this.listeners.add(listener);
			current = this.latest;
		}
		if (current != null) {
			listener.offer(current);
		}
	}

	synchronized @Nullable Progress latest() {
		return this.latest;
	}

	/** One listener and the report it is yet to hear. */
	private final class Listener {

		private final Consumer<? super Progress> consumer;

		private @Nullable Progress next;

		private boolean scheduled;

		Listener(Consumer<? super Progress> consumer) {
			this.consumer = consumer;
		}

		void offer(Progress progress) {
			synchronized (this) {
				this.next = progress;
				if (this.scheduled) {
					return;
				}
				this.scheduled = true;
			}
			ProgressListeners.this.callbacks.execute(this::deliver);
		}

		private void deliver() {
			while (true) {
				Progress progress;
				synchronized (this) {
					progress = this.next;
					this.next = null;
					if (progress == null) {
						this.scheduled = false;
						return;
					}
				}
				try {
					this.consumer.accept(progress);
				}
				catch (RuntimeException ex) {
					logger.warn("A progress listener failed", ex);
				}
			}
		}

	}

}

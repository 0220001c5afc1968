package dev.mp.spi;

import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Watches calls on both sides of the process boundary: in the parent, each call from the moment it is made to its
 * caller's answer, handing the worker entries of its own in the call's header (outside the codec); in the worker,
 * a scope around the call's run, opened from those entries. mp-spring-boot-autoconfigure implements it with
 * Micrometer's Observation API, so that a worker continues its caller's trace. A template has at most one; without one,
 * calls carry nothing more. What an observer throws is logged and changes nothing of the call: it goes on unobserved.
 */
public interface CallObserver {

	/**
	 * Starts observing a call, in the caller's thread as the call is made (for a pool, at submit); the observation
	 * ends with {@link Observed#stop} when the caller's future completes, however it does.
	 */
	Observed start(CallInfo call);

	/**
	 * Opens the scope of a call in the worker, on the call's thread just before it runs, from the entries its parent's
	 * {@link Observed#entries()} put in the call's header; closed when the call has returned or thrown.
	 * @param description what the call runs, for people (a task's class, a bean method's signature)
	 */
	Scope open(String description, Map<String, String> entries);

	/** A call being observed in the parent. */
	interface Observed {

		/** A call not observed after all: no entries, nothing to stop. */
		Observed NONE = of(Map.of(), (failure) -> {
		});

		/** A call observed with these entries, whose {@link #stop} runs {@code stop}. */
		static Observed of(Map<String, String> entries, Consumer<@Nullable Throwable> stop) {
			return new Observed() {

				@Override
				public Map<String, String> entries() {
					return entries;
				}

				@Override
				public void stop(@Nullable Throwable failure) {
					stop.accept(failure);
				}

			};
		}

		/** What the worker's {@link CallObserver#open} gets for this call: small strings, such as a trace context. */
		Map<String, String> entries();

		/**
		 * The caller's future completed.
		 * @param failure what it failed with ({@link java.util.concurrent.CancellationException} when cancelled),
		 * or {@code null} when it succeeded
		 */
		void stop(@Nullable Throwable failure);

	}

	/** A call's scope in the worker. */
	interface Scope {

		/** @param failure what the call threw, or {@code null} when it returned */
		void close(@Nullable Throwable failure);

	}

	/**
	 * A call as an observer sees it: bounded names, fit for metric tags.
	 * @param pool the pool it went to, or {@code null} for a fresh child JVM (a one-shot call or a process)
	 * @param target for a bean method call, {@code bean.method} (the bean's name, else its class's simple name); for a
	 * task or a process, its class's name (a lambda's: the class that wrote it)
	 * @param beanMethod whether it is a bean method call
	 */
	record CallInfo(@Nullable String pool, String target, boolean beanMethod) {
	}

}

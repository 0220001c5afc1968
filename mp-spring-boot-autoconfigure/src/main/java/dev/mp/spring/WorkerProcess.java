package dev.mp.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method in a child JVM. Calls go to a pool of warm workers (the {@code default} pool unless
 * {@link #pool()} names another, configured under {@code mp.pools.<name>.*}); each worker has booted the application's
 * own context (no web server, lazy beans, no runners) and runs one call at a time. With {@link #fresh()}, each call
 * gets a JVM of its own that exits after answering, as Python's {@code Process}.
 * <p>
 * Return types: {@code T} and {@code void} block the caller until the child answers; {@code CompletableFuture<T>}
 * and {@code Future<T>} return at once (a future returned by the method itself is awaited in the child). With
 * Reactor, {@code Mono<T>} calls on each subscription and {@code Flux<T>} streams the elements the method's own
 * {@code Flux} makes in a pool's worker, a window of them in flight; cancelling the subscription cancels the call.
 * Arguments and results must be serializable and allowed by {@code mp.serialization.allowed-classes} (the
 * application's own packages are). An exception thrown in the child reaches the caller as itself, with the child's
 * stack followed by the caller's. If the child dies, the caller gets a {@link dev.mp.ProcessDiedException} with its
 * exit code and last output.
 * <p>
 * On a class, applies to every public method the class declares. In the child, the methods run in place.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkerProcess {

	/** The pool whose workers run the calls. */
	String pool() default "default";

	/**
	 * Start a fresh JVM for every call instead of using a pool: the strongest isolation (nothing survives a call), at
	 * the price of a JVM and context start per call.
	 */
	boolean fresh() default false;

	/** For {@link #fresh()} calls, the child's name in logs and {@code /actuator/processes}; defaults to {@code bean.method}. */
	String name() default "";

	/**
	 * JVM options for the child, added after the pool's. Calls with their own JVM settings run in workers started with
	 * those settings (a separate pool beside the named one), never in a worker started otherwise.
	 */
	String[] jvmOptions() default {};

	/** The child's {@code -Xmx} ({@code 256m}, {@code 2g}); overrides {@code mp.worker.max-heap}. */
	String maxHeap() default "";

}

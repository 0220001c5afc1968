package dev.mp.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method in a child JVM. Each call starts a JVM that boots the application's own context (no web server,
 * lazy beans, no runners), calls the method on its bean there, sends the result back, and exits.
 * <p>
 * Return types: {@code T} and {@code void} block the caller until the child answers; {@code CompletableFuture<T>}
 * and {@code Future<T>} return at once (a future returned by the method itself is awaited in the child). Arguments
 * and results must be serializable and allowed by {@code mp.serialization.allowed-classes} (the application's own
 * packages are). An exception thrown in the child reaches the caller as itself, with the child's stack followed by the
 * caller's. If the child dies, the caller gets a {@link dev.mp.ProcessDiedException} with its exit code and last
 * output.
 * <p>
 * On a class, applies to every public method the class declares. In the child, the methods run in place.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkerProcess {

	/** The child's name in logs and {@code /actuator/processes}; defaults to {@code bean.method}. */
	String name() default "";

	/** JVM options for the child, added after {@code mp.worker.jvm-options}. */
	String[] jvmOptions() default {};

	/** The child's {@code -Xmx} ({@code 256m}, {@code 2g}); overrides {@code mp.worker.max-heap}. */
	String maxHeap() default "";

}

package dev.mp.spi;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.mp.TargetResolutionException;

/**
 * How a child JVM prepares to run invocations. {@code plain} runs serializable tasks with nothing else; other modes
 * (such as {@code spring}, from mp-spring-boot-autoconfigure) are found with {@link java.util.ServiceLoader} by their
 * {@link #mode()} name.
 */
public interface ChildBootstrap extends AutoCloseable {

	/** The mode name the parent asks for. */
	String mode();

	/**
	 * Prepares the child once, before it connects to the parent.
	 * @param attributes mode-specific settings sent by the parent: its options' attributes and its launch's
	 * ({@link LaunchAttributes})
	 */
	void start(Map<String, String> attributes) throws Exception;

	/**
	 * Prepares the child once, as {@link #start(Map)} does, running {@code loggingConfigured} as soon as this mode has
	 * configured the JVM's logging, so that mp takes the worker's log events from then on rather than from the end
	 * of the start. The default runs it after {@link #start(Map)}: for a mode that configures logging as it starts
	 * (Spring Boot does), what it logs before is text.
	 */
	default void start(Map<String, String> attributes, Runnable loggingConfigured) throws Exception {
		start(attributes);
		loggingConfigured.run();
	}

	/**
	 * Resolves a bean for a bean-method invocation.
	 * @param beanName the bean's name in the parent, or {@code null} to resolve by type alone
	 * @param type the bean's class
	 * @throws TargetResolutionException if this mode has no such bean
	 */
	Object bean(@Nullable String beanName, Class<?> type);

	/**
	 * When this mode's application context started, for the worker's JVM facts; {@code null} for a mode without one
	 * or before it has started.
	 */
	default @Nullable Instant contextStarted() {
		return null;
	}

	/**
	 * What opens a scope around each call in this worker from what the parent's observer put in the call's header
	 * (see {@link CallObserver#open}), once {@link #start} has returned; {@code null} for none, the default.
	 */
	default @Nullable CallObserver callObserver() {
		return null;
	}

	/**
	 * What a bean method's return value becomes before the worker answers with it: a mode may turn its framework's
	 * types into the JDK's, a single value into a {@code Future} and a stream of them into a
	 * {@code java.util.concurrent.Flow.Publisher}. The default returns it as it is.
	 */
	default @Nullable Object returned(@Nullable Object value) {
		return value;
	}

	@Override
	void close();

}

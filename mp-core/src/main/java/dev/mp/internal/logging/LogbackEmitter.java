package dev.mp.internal.logging;

import java.time.Instant;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;

import dev.mp.RemoteExceptionStandIn;
import dev.mp.internal.call.ThrowableSnapshot;

/**
 * Emits a worker's event as a real Logback event, with the worker's time, thread and logger name, to the appenders of
 * the parent's logger of that name (or of its nearest ancestor the parent has), whose level (and the context's turbo
 * filters) decide first. The parent's encoders so format it as they format its own events: plain patterns, Spring
 * Boot's structured logging, ECS or Logstash.
 */
final class LogbackEmitter implements LogEvents.Emitter {

	private static final StackTraceElement[] NO_CALLER = new StackTraceElement[0];

	private final LoggerContext context;

	private LogbackEmitter(LoggerContext context) {
		this.context = context;
	}

	/** An emitter if SLF4J's logging is Logback's, else {@code null}. */
	static @Nullable LogbackEmitter ifLogback() {
		ILoggerFactory factory = LogEvents.loggerFactory();
		return (factory instanceof LoggerContext context) ? new LogbackEmitter(context) : null;
	}

	@Override
	public void emit(LogEvent event, Map<String, String> mdc) {
		Logger logger = existing(event.loggerName());
		Level level = Level.fromLocationAwareLoggerInteger(event.level());
		if (!logger.isEnabledFor(level)) {
			return;
		}
		// the constructor a logger uses: it sets what encoders read of the context (Spring Boot's read its properties)
		LoggingEvent logged = new LoggingEvent(Logger.FQCN, logger, level, event.message(), null, null);
		logged.setLoggerName(event.loggerName());
		logged.setThreadName(event.threadName());
		logged.setInstant(Instant.ofEpochSecond(event.epochSecond(), event.nanos()));
		logged.setMDCPropertyMap(mdc);
		// where the worker logged is not known here: a caller pattern must not show the parent's reader thread
		logged.setCallerData(NO_CALLER);
		event.keyValues().forEach((pair) -> logged.addKeyValuePair(new KeyValuePair(pair.getKey(), pair.getValue())));
		// detached: a worker cannot fill the parent's marker registry
		event.markers().forEach((name) -> logged.addMarker(MarkerFactory.getDetachedMarker(name)));
		ThrowableSnapshot thrown = event.thrown();
		if (thrown != null) {
			logged.setThrowableProxy(new RemoteThrowableProxy(thrown.standIn()));
		}
		logger.callAppenders(logged);
	}

	/**
	 * The parent's logger of that name if it has one, else its nearest ancestor that it has: the same level and
	 * appenders as a new logger of that name would have, without one made for every name a worker sends (Logback
	 * keeps its loggers for good).
	 */
	private Logger existing(String name) {
		String ancestor = name;
		while (true) {
			Logger logger = this.context.exists(ancestor);
			if (logger != null) {
				return logger;
			}
			int separator = Math.max(ancestor.lastIndexOf('.'), ancestor.lastIndexOf('$'));
			if (separator <= 0) {
				return this.context.getLogger(Logger.ROOT_LOGGER_NAME);
			}
			ancestor = ancestor.substring(0, separator);
		}
	}

	/**
	 * A stand-in's proxy that shows the worker's exception as it was: its class name and own message, and the same
	 * for its causes and suppressed exceptions. A {@link ThrowableProxy}, so that what asks for the throwable itself
	 * (Spring Boot's stack trace printer for structured logging) gets the stand-in.
	 */
	private static final class RemoteThrowableProxy extends ThrowableProxy {

		private final RemoteExceptionStandIn standIn;

		private final @Nullable IThrowableProxy cause;

		private final IThrowableProxy[] suppressed;

		RemoteThrowableProxy(RemoteExceptionStandIn standIn) {
			super(standIn);
			this.standIn = standIn;
			this.cause = (standIn.getCause() instanceof RemoteExceptionStandIn next) ? new RemoteThrowableProxy(next)
					: null;
			Throwable[] all = standIn.getSuppressed();
			this.suppressed = new IThrowableProxy[all.length];
			for (int i = 0; i < all.length; i++) {
				this.suppressed[i] = new RemoteThrowableProxy((RemoteExceptionStandIn) all[i]);
			}
		}

		@Override
		public String getClassName() {
			return this.standIn.remoteClassName();
		}

		@Override
		public String getMessage() {
			return this.standIn.remoteMessage();
		}

		/** Not the stand-in's own {@code toString()}: the first line shows the worker's class and message. */
		@Override
		public @Nullable String getOverridingMessage() {
			return null;
		}

		@Override
		public @Nullable IThrowableProxy getCause() {
			return this.cause;
		}

		@Override
		public IThrowableProxy[] getSuppressed() {
			return this.suppressed;
		}

	}

}

package dev.mp.internal.logging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.FilterReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

import dev.mp.internal.call.ThrowableSnapshot;

/**
 * The worker's side with Logback: every console appender of the worker's Logback configuration gets a filter that
 * hands the events it would print to a {@link LogEventSender} and keeps them off the console, so an event reaches the
 * parent once, where it would have been a line of text, after the appender's own filters have had their say. The
 * configuration is looked at as it is installed and again each time the logger context starts after a reset.
 */
final class LogbackForwarding implements LoggerContextListener {

	private final LogEventSender sender;

	private LogbackForwarding(LogEventSender sender) {
		this.sender = sender;
	}

	/**
	 * Installs the forwarding if SLF4J's logging is Logback's, does nothing otherwise. Call it after a configuration
	 * that stopped the context (Spring Boot's does): a stop removes every listener, reset-resistant or not.
	 */
	/**
	 * Has the forwarding installed once {@code context} starts, as Logback's own initialization starts it after its
	 * configuration (see {@link WorkerLogbackConfigurator}).
	 */
	static void onceStarted(LoggerContext context, LogEventSender sender) {
		context.addListener(new LogbackForwarding(sender));
	}

	static void install(LogEventSender sender) {
		ILoggerFactory factory = LogEvents.loggerFactory();
		if (factory instanceof LoggerContext context) {
			LogbackForwarding forwarding = new LogbackForwarding(sender);
			if (context.getCopyOfListenerList()
				.stream()
				.noneMatch((listener) -> listener instanceof LogbackForwarding other && other.sender == sender)) {
				context.addListener(forwarding);
			}
			forwarding.onStart(context);
		}
	}

	@Override
	public boolean isResetResistant() {
		return true;
	}

	@Override
	public void onStart(LoggerContext context) {
		for (Logger logger : context.getLoggerList()) {
			forward(logger);
		}
	}

	@Override
	public void onReset(LoggerContext context) {
	}

	@Override
	public void onStop(LoggerContext context) {
	}

	@Override
	public void onLevelChange(Logger logger, Level level) {
	}

	/** The console appenders attached there, and those within appenders that hold others (an async appender). */
	@SuppressWarnings("unchecked")
	private void forward(AppenderAttachable<ILoggingEvent> attachable) {
		for (Iterator<Appender<ILoggingEvent>> it = attachable.iteratorForAppenders(); it.hasNext();) {
			Appender<ILoggingEvent> appender = it.next();
			if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
				List<Filter<ILoggingEvent>> own = console.getCopyOfAttachedFiltersList();
				if (own.stream().noneMatch(Forwarder.class::isInstance)) {
					console.clearAllFilters();
					console.addFilter(new Forwarder(own, this.sender));
				}
			}
			else if (appender instanceof AppenderAttachable<?> nested) {
				forward((AppenderAttachable<ILoggingEvent>) nested);
			}
		}
	}

	/** An event as it crosses. */
	static LogEvent event(ILoggingEvent event) {
		Instant instant = event.getInstant();
		List<Map.Entry<String, String>> keyValues = new ArrayList<>();
		if (event.getKeyValuePairs() != null) {
			for (KeyValuePair pair : event.getKeyValuePairs()) {
				keyValues.add(Map.entry(String.valueOf(pair.key), String.valueOf(pair.value)));
			}
		}
		List<String> markers = new ArrayList<>();
		if (event.getMarkerList() != null) {
			for (Marker marker : event.getMarkerList()) {
				markers.add(marker.getName());
			}
		}
		String message = event.getFormattedMessage();
		return new LogEvent(instant.getEpochSecond(), instant.getNano(),
				Level.toLocationAwareLoggerInteger(event.getLevel()), event.getLoggerName(), event.getThreadName(),
				(message != null) ? message : "null", event.getMDCPropertyMap(), keyValues, markers,
				snapshot(event.getThrowableProxy(), new int[] { ThrowableSnapshot.MAX_SNAPSHOTS }, 0));
	}

	/** Logback's view of an exception as mp's plain facts, within the bounds {@link ThrowableSnapshot} keeps. */
	private static @Nullable ThrowableSnapshot snapshot(@Nullable IThrowableProxy proxy, int[] left, int depth) {
		if (proxy == null || left[0]-- <= 0 || depth > ThrowableSnapshot.MAX_CAUSES) {
			return null;
		}
		StackTraceElementProxy[] frames = proxy.getStackTraceElementProxyArray();
		int kept = (frames != null) ? Math.min(frames.length, LogEventCodec.MAX_FRAMES) : 0;
		StackTraceElement[] stack = new StackTraceElement[kept];
		for (int i = 0; i < kept; i++) {
			stack[i] = frames[i].getStackTraceElement();
		}
		ThrowableSnapshot cause = snapshot(proxy.getCause(), left, depth + 1);
		List<ThrowableSnapshot> suppressed = new ArrayList<>();
		if (proxy.getSuppressed() != null) {
			for (IThrowableProxy each : proxy.getSuppressed()) {
				ThrowableSnapshot snapshot = snapshot(each, left, depth + 1);
				if (snapshot != null) {
					suppressed.add(snapshot);
				}
			}
		}
		return new ThrowableSnapshot(proxy.getClassName(), proxy.getMessage(), stack, cause, List.copyOf(suppressed));
	}

	/**
	 * A console appender's filter: its own filters first; what they let through goes to the parent instead of the
	 * console, unless the sender declines it (its own thread, or sending has stopped).
	 */
	private static final class Forwarder extends Filter<ILoggingEvent> {

		private final List<Filter<ILoggingEvent>> own;

		private final LogEventSender sender;

		Forwarder(List<Filter<ILoggingEvent>> own, LogEventSender sender) {
			this.own = own;
			this.sender = sender;
			start();
		}

		@Override
		public FilterReply decide(ILoggingEvent event) {
			for (Filter<ILoggingEvent> filter : this.own) {
				FilterReply reply = filter.decide(event);
				if (reply == FilterReply.DENY) {
					return FilterReply.DENY;
				}
				if (reply == FilterReply.ACCEPT) {
					break;
				}
			}
			return this.sender.offer(event(event)) ? FilterReply.DENY : FilterReply.NEUTRAL;
		}

	}

}

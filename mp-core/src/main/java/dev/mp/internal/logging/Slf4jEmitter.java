package dev.mp.internal.logging;

import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import dev.mp.internal.call.ThrowableSnapshot;

/**
 * Emits a worker's event through SLF4J's fluent API, for a parent whose logging is not Logback: the parent's logger of
 * the same name and its level decide; the MDC is the event's while it is emitted. The time and thread are the
 * parent's: SLF4J has no way to set them, so they travel as the key-value pairs {@code mp.thread} and
 * {@code mp.time}.
 */
final class Slf4jEmitter implements LogEvents.Emitter {

	@Override
	public void emit(LogEvent event, Map<String, String> mdc) {
		Logger logger = LoggerFactory.getLogger(event.loggerName());
		Level level = Level.intToLevel(event.level());
		if (!logger.isEnabledForLevel(level)) {
			return;
		}
		LoggingEventBuilder builder = logger.atLevel(level)
			.setMessage(event.message())
			.addKeyValue("mp.thread", event.threadName())
			.addKeyValue("mp.time", Instant.ofEpochSecond(event.epochSecond(), event.nanos()));
		event.keyValues().forEach((pair) -> builder.addKeyValue(pair.getKey(), pair.getValue()));
		// detached: a worker cannot fill the parent's marker registry
		event.markers().forEach((name) -> builder.addMarker(MarkerFactory.getDetachedMarker(name)));
		ThrowableSnapshot thrown = event.thrown();
		if (thrown != null) {
			builder.setCause(thrown.standIn());
		}
		Map<String, String> previous = MDC.getCopyOfContextMap();
		MDC.setContextMap(mdc);
		try {
			builder.log();
		}
		finally {
			if (previous != null) {
				MDC.setContextMap(previous);
			}
			else {
				MDC.clear();
			}
		}
	}

}

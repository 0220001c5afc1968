package dev.mp.internal.logging;

import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.mp.internal.call.ThrowableSnapshot;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without Logback in the parent, a worker's event goes through SLF4J's fluent API: the logger of its name and level,
 * its message, MDC (for the emit alone), key-value pairs (the worker's thread among them) and exception.
 */
class Slf4jEmitterTests {

	@Test
	void anEventGoesThroughTheFluentApi() {
		ListAppender<ILoggingEvent> events = new ListAppender<>();
		events.start();
		Logger logger = (Logger) LoggerFactory.getLogger("com.example.Fluent");
		logger.addAppender(events);
		MDC.put("mine", "kept");
		try {
			new Slf4jEmitter().emit(new LogEvent(1_700_000_000L, 0, 30, "com.example.Fluent", "mp-call", "careful",
					Map.of(), List.of(Map.entry("orderId", "42")), List.of(),
					ThrowableSnapshot.of(new IllegalStateException("boom"))), Map.of("mp.worker", "w-1"));
			assertThat(events.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				assertThat(event.getFormattedMessage()).isEqualTo("careful");
				assertThat(event.getMDCPropertyMap()).containsExactly(Map.entry("mp.worker", "w-1"));
				assertThat(event.getKeyValuePairs()).extracting((pair) -> pair.key)
					.containsExactly("mp.thread", "mp.time", "orderId");
				assertThat(event.getThrowableProxy().getMessage())
					.isEqualTo(IllegalStateException.class.getName() + ": boom");
			});
			assertThat(MDC.getCopyOfContextMap()).containsExactly(Map.entry("mine", "kept"));
		}
		finally {
			MDC.clear();
			logger.detachAppender(events);
		}
	}

}

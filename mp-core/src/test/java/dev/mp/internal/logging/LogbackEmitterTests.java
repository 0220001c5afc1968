package dev.mp.internal.logging;

import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Logback in the parent, a worker's event goes to the appenders of the parent's logger of its name, or of the
 * nearest ancestor the parent has, under that one's level, keeping the worker's logger name; the parent makes no
 * logger for a name a worker sends.
 */
class LogbackEmitterTests {

	private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

	private final Logger parent = this.context.getLogger("com.example.emitted");

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	private final LogbackEmitter emitter = LogbackEmitter.ifLogback();

	LogbackEmitterTests() {
		this.events.start();
		this.parent.addAppender(this.events);
	}

	@AfterEach
	void detach() {
		this.parent.detachAppender(this.events);
		this.parent.setLevel(null);
	}

	@Test
	void anEventOfANameTheParentLacksGoesThroughItsNearestAncestorAndMakesNoLogger() {
		String name = "com.example.emitted.only.in.Worker$Inner";
		this.emitter.emit(event(name, Level.INFO_INT), Map.of("mp.worker", "w-1"));
		assertThat(this.events.list).singleElement().satisfies((event) -> {
			assertThat(event.getLoggerName()).isEqualTo(name);
			assertThat(event.getFormattedMessage()).isEqualTo("hello");
			assertThat(event.getMDCPropertyMap()).containsExactly(Map.entry("mp.worker", "w-1"));
		});
		assertThat(this.context.exists(name)).isNull();
		assertThat(this.context.exists("com.example.emitted.only")).isNull();
	}

	@Test
	void theNearestAncestorsLevelDecides() {
		this.parent.setLevel(Level.WARN);
		this.emitter.emit(event("com.example.emitted.Quiet", Level.INFO_INT), Map.of());
		this.emitter.emit(event("com.example.emitted.Quiet", Level.WARN_INT), Map.of());
		assertThat(this.events.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.WARN);
	}

	private static LogEvent event(String logger, int logbackLevel) {
		int level = Level.toLocationAwareLoggerInteger(Level.toLevel(logbackLevel));
		return new LogEvent(1_700_000_000L, 0, level, logger, "mp-call", "hello", Map.of(), List.of(), List.of(),
				null);
	}

}

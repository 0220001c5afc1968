package dev.mp;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.mp.internal.logging.LogEventSender;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker's Logback events reach the parent's Logback as events, with their level, logger, message, thread, MDC and
 * exception, filtered by the parent's levels, and not also as text; plain output stays text; a flood costs the worker
 * nothing but dropped events, each counted; the template can keep them text.
 */
@ExtendWith(NoChildProcessesLeft.class)
class WorkerLogEventsIntegrationTests {

	private static final String LOGGER = "com.example.worker.Reports";

	/** Events of 4 KiB a flood logs. */
	private static final int FLOOD = 20_000;

	private ProcessTemplate template = new ProcessTemplate();

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	private final ListAppender<ILoggingEvent> output = new ListAppender<>();

	private final Logger workerLogger = (Logger) LoggerFactory.getLogger(LOGGER);

	private final Logger outputLogger = (Logger) LoggerFactory.getLogger("dev.mp.worker.logs");

	private final Logger senderLogger = (Logger) LoggerFactory.getLogger(LogEventSender.class);

	@BeforeEach
	void capture() {
		this.events.start();
		this.output.start();
		this.workerLogger.addAppender(this.events);
		this.senderLogger.addAppender(this.events);
		this.outputLogger.addAppender(this.output);
	}

	@AfterEach
	void close() {
		MDC.clear();
		this.template.close();
		this.workerLogger.detachAppender(this.events);
		this.senderLogger.detachAppender(this.events);
		this.outputLogger.detachAppender(this.output);
		this.workerLogger.setLevel(null);
	}

	/** @return when the worker had logged, in its own clock */
	static Instant logSome() {
		org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER);
		logger.info("report {} ready", 7);
		logger.warn("disk almost full");
		logger.error("report failed", new IllegalStateException("boom", new IOException("disk gone")));
		System.out.println("a plain line");
		return Instant.now();
	}

	@Test
	void aWorkersLogEventsReachTheParentsLoggerAsEvents() throws Exception {
		ProcessPool pool = this.template.pool("logs", PoolOptions.builder().size(1).build());
		MDC.put("requestId", "r-7");
		Instant logged = pool.submit(WorkerLogEventsIntegrationTests::logSome).get(60, TimeUnit.SECONDS);
		ChildProcess worker = pool.workers().get(0);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(messages(this.events)).containsSubsequence("report 7 ready",
					"disk almost full", "report failed"));
		List<ILoggingEvent> received = List.copyOf(this.events.list);
		assertThat(received).extracting(ILoggingEvent::getLevel).containsExactly(Level.INFO, Level.WARN, Level.ERROR);
		for (ILoggingEvent event : received) {
			assertThat(event.getLoggerName()).isEqualTo(LOGGER);
			assertThat(event.getThreadName()).isEqualTo("mp-call");
			assertThat(event.getMDCPropertyMap()).containsEntry("requestId", "r-7")
				.containsEntry("mp.worker", worker.name())
				.containsEntry("mp.pid", Long.toString(worker.pid()));
		}
		IThrowableProxy thrown = received.get(2).getThrowableProxy();
		assertThat(thrown.getClassName()).isEqualTo(IllegalStateException.class.getName());
		assertThat(thrown.getMessage()).isEqualTo("boom");
		assertThat(thrown.getOverridingMessage()).isNull();
		assertThat(thrown.getStackTraceElementProxyArray()[0].getStackTraceElement().getMethodName())
			.isEqualTo("logSome");
		assertThat(thrown.getCause().getClassName()).isEqualTo(IOException.class.getName());
		assertThat(thrown.getCause().getMessage()).isEqualTo("disk gone");
		// the worker's time, not the parent's: the parent emitted them only after the task had returned
		assertThat(received).allSatisfy((event) -> assertThat(event.getInstant()).isBeforeOrEqualTo(logged));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(messages(this.output)).contains("[" + worker.name() + ":" + worker.pid()
					+ "] a plain line"));
		assertThat(messages(this.output)).noneMatch((line) -> line.contains("report"));
	}

	@Test
	void theParentsLevelForTheLoggerDecides() throws Exception {
		this.workerLogger.setLevel(Level.WARN);
		ProcessPool pool = this.template.pool("logs", PoolOptions.builder().size(1).build());
		pool.submit(WorkerLogEventsIntegrationTests::logSome).get(60, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(messages(this.events)).contains("report failed"));
		assertThat(messages(this.events)).containsExactly("disk almost full", "report failed");
	}

	static long flood() {
		org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER);
		String padding = "x".repeat(4096);
		long start = System.nanoTime();
		for (int i = 0; i < FLOOD; i++) {
			logger.info("flood {} {}", i, padding);
		}
		return System.nanoTime() - start;
	}

	@Test
	void aFloodDoesNotHoldUpTheWorkerAndEachEventArrivesOrIsCounted() throws Exception {
		// counted, not kept: 80 MB of them
		this.workerLogger.detachAppender(this.events);
		AtomicLong flooded = new AtomicLong();
		AppenderBase<ILoggingEvent> counting = new AppenderBase<>() {

			@Override
			protected void append(ILoggingEvent event) {
				flooded.incrementAndGet();
			}

		};
		counting.start();
		this.workerLogger.addAppender(counting);
		// nor printed by the root's console appender
		this.workerLogger.setAdditive(false);
		try {
			ProcessPool pool = this.template.pool("logs", PoolOptions.builder().size(1).build());
			long nanos = pool.submit(WorkerLogEventsIntegrationTests::flood).get(60, TimeUnit.SECONDS);
			// ten times what may wait to be sent
			assertThat(Duration.ofNanos(nanos)).isLessThan(Duration.ofSeconds(20));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(flooded.get() + dropped()).isEqualTo(FLOOD));
			assertThat(messages(this.output)).noneMatch((line) -> line.contains("flood"));
		}
		finally {
			this.workerLogger.detachAppender(counting);
			this.workerLogger.setAdditive(true);
		}
	}

	/** The events the worker said it dropped, in its warnings. */
	private long dropped() {
		long dropped = 0;
		for (ILoggingEvent event : List.copyOf(this.events.list)) {
			Matcher count = Pattern.compile("^(\\d+) log events of this worker were dropped")
				.matcher(event.getFormattedMessage());
			if (event.getLoggerName().equals(LogEventSender.class.getName()) && count.find()) {
				assertThat(event.getLevel()).isEqualTo(Level.WARN);
				dropped += Long.parseLong(count.group(1));
			}
		}
		return dropped;
	}

	@Test
	void theTemplateCanKeepWorkerLogsText() throws Exception {
		this.template.close();
		this.template = ProcessTemplate.builder().logEvents(false).build();
		ProcessPool pool = this.template.pool("logs", PoolOptions.builder().size(1).build());
		pool.submit(WorkerLogEventsIntegrationTests::logSome).get(60, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(messages(this.output)).anyMatch((line) -> line.contains("report 7 ready"))
				.anyMatch((line) -> line.endsWith("a plain line")));
		assertThat(this.events.list).isEmpty();
	}

	private static List<String> messages(ListAppender<ILoggingEvent> appender) {
		return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

}

package dev.mp.spring.it;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The application the Spring integration tests fork workers of.
 */
@SpringBootApplication
@EnableScheduling
public class WorkerTestApplication {

	/** Ticks of a scheduled job; a worker must never run it. */
	static final AtomicInteger scheduledTicks = new AtomicInteger();

	@Scheduled(fixedRate = 50)
	void tick() {
		scheduledTicks.incrementAndGet();
	}

	/** Set by the runner; a worker must never see it set. */
	static final AtomicBoolean runnerRan = new AtomicBoolean();

	@Bean
	CommandLineRunner markRunner() {
		return (args) -> runnerRan.set(true);
	}

	/** Logs as the context boots, in every JVM that boots it (eager even in workers, which boot lazily). */
	@Bean
	@Lazy(false)
	static SmartInitializingSingleton bootLog() {
		return () -> LoggerFactory.getLogger(WorkerTestApplication.class)
			.info("context of pid {} booted", ProcessHandle.current().pid());
	}

	/** A bean only the parent has: the test sets the property and keeps it from workers' environments. */
	@Bean
	@ConditionalOnBooleanProperty("it.parent-only")
	ParentOnlyService parentOnlyService() {
		return new ParentOnlyService();
	}

}

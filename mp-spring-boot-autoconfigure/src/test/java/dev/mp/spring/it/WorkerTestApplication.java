package dev.mp.spring.it;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;

/**
 * The application the Spring integration tests fork workers of.
 */
@SpringBootApplication
public class WorkerTestApplication {

	/** Set by the runner; a worker must never see it set. */
	static final AtomicBoolean runnerRan = new AtomicBoolean();

	@Bean
	CommandLineRunner markRunner() {
		return (args) -> runnerRan.set(true);
	}

	/** A bean only the parent has: the property is set by the test, not in the worker's environment. */
	@Bean
	@ConditionalOnBooleanProperty("it.parent-only")
	ParentOnlyService parentOnlyService() {
		return new ParentOnlyService();
	}

}

package dev.mp.spring.it;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds a value only the JVM it runs in can compute, when {@code it.post-process} is set: in a worker, which runs it
 * too without that property, the application's value must still be seen.
 */
public class TestEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty("it.post-process", Boolean.class, false)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("itPostProcessed",
						Map.of("app.post-processed", "by pid " + ProcessHandle.current().pid())));
		}
	}

}

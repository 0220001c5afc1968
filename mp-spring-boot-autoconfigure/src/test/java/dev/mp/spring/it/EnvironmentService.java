package dev.mp.spring.it;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import org.slf4j.LoggerFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/** Properties as the environment of the JVM a call ran in resolves them. */
@Service
public class EnvironmentService {

	private final ConfigurableEnvironment environment;

	public EnvironmentService(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/** In a warm worker of the default pool: each name's value, {@code null} for none. */
	@WorkerProcess
	public HashMap<String, String> properties(String... names) {
		return resolve(names);
	}

	/** The same in a JVM of its own, launched for this call. */
	@WorkerProcess(fresh = true)
	public HashMap<String, String> freshProperties(String... names) {
		return resolve(names);
	}

	/** The worker's property sources, first (winning) first. */
	@WorkerProcess
	public List<String> propertySources() {
		return this.environment.getPropertySources().stream().map(PropertySource::getName).toList();
	}

	/** Whether the worker's logging system set the logger of that name to DEBUG. */
	@WorkerProcess
	public boolean debugLogging(String logger) {
		return LoggerFactory.getLogger(logger).isDebugEnabled();
	}

	/** Here, in the caller's JVM. */
	public HashMap<String, String> here(String... names) {
		return resolve(names);
	}

	private HashMap<String, String> resolve(String... names) {
		HashMap<String, String> values = new HashMap<>();
		Arrays.stream(names).forEach((name) -> values.put(name, this.environment.getProperty(name)));
		return values;
	}

}

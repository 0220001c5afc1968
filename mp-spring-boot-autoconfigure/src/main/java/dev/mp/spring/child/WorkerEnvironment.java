package dev.mp.spring.child;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.logging.logback.RollingPolicySystemProperty;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.PatternMatchUtils;

import dev.mp.ProcessOptions;
import dev.mp.spi.LaunchAttributes;

/**
 * The application's configuration as its {@code spring} workers see it: at each worker's launch, the resolved value of
 * every property name the application's environment enumerates, sent as {@linkplain LaunchAttributes launch
 * attributes} (on stdin, or a pod's secret files: never a command line, since values may be secrets), and in the
 * worker one property source ({@value #PROPERTY_SOURCE_NAME}) that wins over all of the worker's own but mp's
 * {@code mpWorker}. A worker's environment then resolves each such name to the application's value, whatever source
 * gave it: command line, default properties, {@code SPRING_APPLICATION_JSON}, system properties set at run time,
 * profile-specific files, {@code EnvironmentPostProcessor}s, sources added in code.
 * <p>
 * Resolved values rather than each source's raw ones, so that a placeholder means what it meant in the application
 * even where the worker lacks what it named (a pod has neither the application's files nor its system properties); a
 * <code>${</code> that a resolved value holds literally gets Spring's escape, a backslash, which Spring's resolution
 * and Boot's binder both take off, so the worker does not resolve it again. Not copied: what belongs to one JVM (its
 * standard system properties, its pid, {@code random.*}, the running server's ports), environment variables (a local
 * worker inherits the application's, a pod has its own), sources that do not enumerate their names, mp's own settings
 * ({@code mp.*}), what mp sets for the worker itself ({@code mp.worker.system-properties},
 * {@code mp.worker.environment}), which wins there, and names the application excludes
 * ({@code mp.worker.environment-copy.exclude}). A value whose placeholders do not resolve is left to the worker's own
 * sources.
 */
public final class WorkerEnvironment implements LaunchAttributes {

	/** The worker's property source of the application's values. */
	public static final String PROPERTY_SOURCE_NAME = "mpApplicationEnvironment";

	/** Attribute name prefix: the rest is a property's name, the value its (escaped) resolved value. */
	static final String PREFIX = "spring.property.";

	/** Where Boot keeps the running servers' ports ({@code local.server.port}): the application's own. */
	private static final String SERVER_PORTS = "server.ports";

	/**
	 * Names never copied: those of one JVM (the standard system properties, its pid, what Boot's logging set-up
	 * derives in it), and mp's own settings, which say how the application launches workers: a worker launches none,
	 * and its template would check pools against launchers it does not have (a pod has no Kubernetes launcher).
	 */
	private static final String[] NOT_COPIED = notCopied();

	private final ConfigurableEnvironment environment;

	private final String[] exclude;

	/**
	 * @param environment the application's environment
	 * @param exclude names not copied besides those never copied: exact, or patterns with {@code *}
	 */
	public WorkerEnvironment(ConfigurableEnvironment environment, List<String> exclude) {
		this.environment = environment;
		this.exclude = exclude.toArray(String[]::new);
	}

	private static String[] notCopied() {
		List<String> names = new ArrayList<>(List.of("java.*", "jdk.*", "sun.*", "os.name", "os.arch", "os.version",
				"user.dir", "user.home", "user.name", "user.language", "user.country", "user.variant", "user.script",
				"user.region", "user.timezone", "file.encoding", "file.separator", "path.separator", "line.separator",
				"native.encoding", "stdout.encoding", "stderr.encoding", "stdin.encoding", "random.*",
				"spring.application.pid", "mp.*"));
		Arrays.stream(LoggingSystemProperty.values())
			.forEach((property) -> names.add(property.getEnvironmentVariableName()));
		Arrays.stream(RollingPolicySystemProperty.values())
			.forEach((property) -> names.add(property.getEnvironmentVariableName()));
		return names.toArray(String[]::new);
	}

	@Override
	public Map<String, String> forLaunch(ProcessOptions options) {
		if (!SpringChildBootstrap.MODE.equals(options.bootstrapMode())) {
			return Map.of();
		}
		Predicate<String> setForWorker = setForWorker(options);
		Set<String> seen = new HashSet<>();
		Map<String, String> attributes = new LinkedHashMap<>();
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)
					|| source instanceof SystemEnvironmentPropertySource || SERVER_PORTS.equals(source.getName())) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				if (seen.add(name) && !PatternMatchUtils.simpleMatch(NOT_COPIED, name)
						&& !PatternMatchUtils.simpleMatch(this.exclude, name) && !setForWorker.test(name)) {
					String value = resolved(name);
					if (value != null) {
						attributes.put(PREFIX + name, value.replace("${", "\\${"));
					}
				}
			}
		}
		return attributes;
	}

	private @Nullable String resolved(String name) {
		try {
			return this.environment.getProperty(name);
		}
		catch (IllegalArgumentException | ConversionException ex) {
			// an unresolvable placeholder, or a value that is no text: left to the worker's own sources
			return null;
		}
	}

	/**
	 * Names the worker's own options set: its system properties by name, its environment variables as Spring and
	 * Boot's binder map them to property names ({@code APP_MODE} sets {@code app.mode}).
	 */
	private static Predicate<String> setForWorker(ProcessOptions options) {
		Map<String, Object> variables = new LinkedHashMap<>(options.environment());
		SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables);
		ConfigurationPropertySource relaxed = ConfigurationPropertySource.from(environment);
		return (name) -> options.systemProperties().containsKey(name) || environment.containsProperty(name)
				|| (relaxed != null && ConfigurationPropertyName.isValid(name)
						&& relaxed.getConfigurationProperty(ConfigurationPropertyName.of(name)) != null);
	}

	/**
	 * In a worker: what adds the application's values to its environment, or {@code null} if none came (the
	 * application turned the copy off).
	 * @param attributes the worker's bootstrap attributes
	 */
	static @Nullable ApplicationListener<ApplicationEnvironmentPreparedEvent> inWorker(
			Map<String, String> attributes) {
		Map<String, Object> properties = new LinkedHashMap<>();
		attributes.forEach((key, value) -> {
			if (key.startsWith(PREFIX)) {
				properties.put(key.substring(PREFIX.length()), value);
			}
		});
		return properties.isEmpty() ? null : new AddToWorker(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
	}

	/**
	 * Adds the application's values first once every {@code EnvironmentPostProcessor} has run (config data included,
	 * which the worker reads from its own files and profiles), and before the logging system starts, so that the
	 * application's {@code logging.*} apply in the worker too. mp's {@code mpWorker}, added after, goes before it.
	 */
	private record AddToWorker(PropertySource<?> source)
			implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			event.getEnvironment().getPropertySources().addFirst(this.source);
		}

		@Override
		public int getOrder() {
			return LoggingApplicationListener.DEFAULT_ORDER - 1;
		}

	}

}

package dev.mp.spring.child;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.mp.ProcessOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a real Spring environment gives its {@code spring} workers, and how a worker's environment then resolves it.
 */
class WorkerEnvironmentTests {

	private static final String PREFIX = WorkerEnvironment.PREFIX;

	private final StandardEnvironment application = new StandardEnvironment();

	@Test
	void copiesTheResolvedValueOfEveryNameOfEverySource() {
		this.application.getPropertySources()
			.addFirst(new MapPropertySource("first", Map.of("app.a", "${app.b}-a", "app.b", "b")));
		this.application.getPropertySources()
			.addLast(new MapPropertySource("last", Map.of("app.b", "shadowed", "app.c", 42)));
		assertThat(copy(List.of()).forLaunch(spring())).containsEntry(PREFIX + "app.a", "b-a")
			.containsEntry(PREFIX + "app.b", "b")
			.containsEntry(PREFIX + "app.c", "42");
	}

	@Test
	void aLiteralPlaceholderIsEscapedAndResolvesInTheWorkerAsInTheApplication() {
		this.application.getPropertySources()
			.addFirst(new MapPropertySource("first", Map.of("app.b", "b", "app.literal", "\\${app.b} and ${app.b}")));
		Map<String, String> attributes = copy(List.of()).forLaunch(spring());
		assertThat(attributes).containsEntry(PREFIX + "app.literal", "\\${app.b} and b");
		StandardEnvironment worker = new StandardEnvironment();
		worker.getPropertySources().addFirst(new MapPropertySource("own", Map.of("app.b", "the worker's")));
		ConfigurationPropertySources.attach(worker);
		WorkerEnvironment.inWorker(attributes)
			.onApplicationEvent(new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(),
					new SpringApplication(), new String[0], worker));
		assertThat(worker.getProperty("app.literal")).isEqualTo("${app.b} and b")
			.isEqualTo(this.application.getProperty("app.literal"));
		assertThat(Binder.get(worker).bind("app.literal", String.class).get()).isEqualTo("${app.b} and b");
		assertThat(worker.getProperty("app.b")).isEqualTo("b");
	}

	@Test
	void leavesOutWhatBelongsToOneJvmEnvironmentVariablesTheServersPortsAndMpsOwnSettings() {
		this.application.getPropertySources()
			.addFirst(new MapPropertySource("boot", Map.of("PID", "1", "spring.application.pid", "1",
					"CONSOLE_LOG_PATTERN", "%m", "random.int", "4", "user.dir", "/", "mp.pools.pods.launcher",
					"kubernetes", "app.kept", "yes")));
		this.application.getPropertySources()
			.addFirst(new MapPropertySource("server.ports", Map.of("local.server.port", "8080")));
		Map<String, String> attributes = copy(List.of()).forLaunch(spring());
		assertThat(attributes).containsEntry(PREFIX + "app.kept", "yes")
			.doesNotContainKeys(PREFIX + "PID", PREFIX + "spring.application.pid", PREFIX + "CONSOLE_LOG_PATTERN",
					PREFIX + "random.int", PREFIX + "user.dir", PREFIX + "local.server.port", PREFIX + "java.home",
					PREFIX + "java.class.path", PREFIX + "mp.pools.pods.launcher");
		assertThat(attributes.keySet()).noneMatch((key) -> System.getenv().containsKey(key.substring(PREFIX.length())));
	}

	@Test
	void leavesOutWhatMpSetsForTheWorkerExcludedNamesAndUnresolvableValues() {
		this.application.getPropertySources()
			.addFirst(new MapPropertySource("first", Map.of("app.mode", "a", "app.tier", "a", "app.some-thing", "a",
					"app.private.key", "a", "app.broken", "${no.such.property}", "app.kept", "yes")));
		ProcessOptions options = spring().toBuilder()
			.systemProperty("app.mode", "worker")
			.environment(Map.of("APP_TIER", "worker", "APP_SOMETHING", "worker"))
			.build();
		assertThat(copy(List.of("app.private.*")).forLaunch(options)).containsEntry(PREFIX + "app.kept", "yes")
			.doesNotContainKeys(PREFIX + "app.mode", PREFIX + "app.tier", PREFIX + "app.some-thing",
					PREFIX + "app.private.key", PREFIX + "app.broken");
	}

	@Test
	void servesSpringWorkersOnly() {
		this.application.getPropertySources().addFirst(new MapPropertySource("first", Map.of("app.kept", "yes")));
		assertThat(copy(List.of()).forLaunch(ProcessOptions.defaults())).isEmpty();
		assertThat(WorkerEnvironment.inWorker(Map.of(SpringChildBootstrap.SOURCES, "com.acme.App"))).isNull();
	}

	private WorkerEnvironment copy(List<String> exclude) {
		return new WorkerEnvironment(this.application, exclude);
	}

	private static ProcessOptions spring() {
		return ProcessOptions.builder().bootstrapMode(SpringChildBootstrap.MODE).build();
	}

}

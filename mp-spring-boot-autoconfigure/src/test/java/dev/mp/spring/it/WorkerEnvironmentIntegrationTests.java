package dev.mp.spring.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.mp.ChildProcess;
import dev.mp.ProcessTemplate;
import dev.mp.spring.child.WorkerEnvironment;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code spring} worker resolves the application's properties to the application's values, whatever their source,
 * with real child JVMs booting {@link WorkerTestApplication}, run as a user runs it: with command-line arguments,
 * default properties, {@code SPRING_APPLICATION_JSON} (as its system property), a profile, an
 * {@code EnvironmentPostProcessor} and a property source added in code before the run.
 */
@ExtendWith(NoChildProcessesLeft.class)
class WorkerEnvironmentIntegrationTests {

	/** Past 64 KiB, the most one {@code writeUTF} string of the bootstrap block could hold. */
	private static final String LARGE = "0123456789abcdef".repeat(5_000);

	private static final String SECRET = "s3cret-on-the-command-line";

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("addedInCode",
					Map.of("app.code", "from code", "app.mode", "the application's", "app.tier", "the application's",
							"app.private.token", "not for workers", "app.large", LARGE,
							// Spring's escape: the application's value is the text ${app.code}, not its value
							"app.literal", "\\${app.code} stays", "spring.main.lazy-initialization", "false")));
		System.setProperty("spring.application.json", "{\"app\":{\"json\":\"from json\"}}");
		try {
			context = new SpringApplicationBuilder(WorkerTestApplication.class).web(WebApplicationType.NONE)
				.environment(environment)
				.properties("app.defaults=from default properties", "it.post-process=true",
						"mp.pools.default.min-idle=0", "mp.worker.system-properties.app.mode=mp's, for workers",
						"mp.worker.environment.APP_TIER=mp's, for workers",
						"mp.worker.environment-copy.exclude=app.private.*")
				.run("--app.region=eu", "--app.secret=" + SECRET, "--spring.profiles.active=envcopy",
						"--logging.level.it.env=debug");
		}
		finally {
			System.clearProperty("spring.application.json");
		}
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	private static EnvironmentService service() {
		return context.getBean(EnvironmentService.class);
	}

	@Test
	void aWorkerSeesTheApplicationsValueFromEverySource() {
		String[] names = { "app.region", "app.defaults", "app.json", "app.code", "app.profiled", "app.post-processed",
				"app.literal", "app.large" };
		Map<String, String> here = service().here(names);
		assertThat(here).containsEntry("app.region", "eu")
			.containsEntry("app.defaults", "from default properties")
			.containsEntry("app.json", "from json")
			.containsEntry("app.code", "from code")
			.containsEntry("app.profiled", "from the profile's file")
			.containsEntry("app.post-processed", "by pid " + ProcessHandle.current().pid())
			.containsEntry("app.literal", "${app.code} stays")
			.containsEntry("app.large", LARGE);
		assertThat(service().properties(names)).isEqualTo(here);
		assertThat(service().debugLogging("it.env")).as("the logging system started with the copy").isTrue();
	}

	@Test
	void aWorkerLaunchedLaterSeesASystemPropertySetSince() {
		System.setProperty("app.set-at-run-time", "set after the application started");
		try {
			assertThat(service().freshProperties("app.set-at-run-time")).containsEntry("app.set-at-run-time",
					"set after the application started");
		}
		finally {
			System.clearProperty("app.set-at-run-time");
		}
	}

	@Test
	void whatMpSetsForWorkersWinsInThem() {
		Map<String, String> worker = service().properties("mp.child", "spring.main.lazy-initialization",
				"spring.main.web-application-type", "app.mode", "app.tier");
		assertThat(worker).containsEntry("mp.child", "true")
			.containsEntry("spring.main.lazy-initialization", "true")
			.containsEntry("spring.main.web-application-type", "none")
			.containsEntry("app.mode", "mp's, for workers")
			.containsEntry("app.tier", "mp's, for workers");
		assertThat(service().propertySources()).containsSubsequence("mpWorker", WorkerEnvironment.PROPERTY_SOURCE_NAME,
				"systemProperties", "systemEnvironment");
	}

	@Test
	void whatBelongsToOneJvmAndExcludedNamesAreNotCopied() {
		Map<String, String> worker = service().properties("PID", "spring.application.pid", "app.private.token");
		assertThat(worker.get("PID")).isNotNull()
			.isEqualTo(worker.get("spring.application.pid"))
			.isNotEqualTo(Long.toString(ProcessHandle.current().pid()));
		assertThat(worker).containsEntry("app.private.token", null);
	}

	@Test
	void anApplicationThatTurnsTheCopyOffGivesItsWorkersOnlyTheirOwnSources() {
		try (ConfigurableApplicationContext off = new SpringApplicationBuilder(WorkerTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("mp.pools.default.min-idle=0", "mp.worker.environment-copy.enabled=false")
			.run("--app.region=eu", "--spring.profiles.active=envcopy")) {
			assertThat(off.getBean(EnvironmentService.class).freshProperties("app.region", "app.profiled"))
				.containsEntry("app.region", null)
				.containsEntry("app.profiled", "from the profile's file");
		}
	}

	@Test
	void valuesNeverAppearInAWorkersCommandLineOrEnvironment() throws IOException {
		assertThat(service().properties("app.secret")).containsEntry("app.secret", SECRET);
		List<ChildProcess> workers = context.getBean(ProcessTemplate.class).pool("default").workers();
		assertThat(workers).isNotEmpty();
		for (ChildProcess worker : workers) {
			assertThat(ProcessHandle.of(worker.pid()).flatMap((process) -> process.info().commandLine()))
				.hasValueSatisfying((command) -> assertThat(command).doesNotContain(SECRET));
			// all of it, where the process handle's view may be cut short
			Path proc = Path.of("/proc", Long.toString(worker.pid()));
			if (Files.isReadable(proc.resolve("environ"))) {
				assertThat(Files.readString(proc.resolve("cmdline"), StandardCharsets.ISO_8859_1)).contains("WorkerMain")
					.doesNotContain(SECRET);
				assertThat(Files.readString(proc.resolve("environ"), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
			}
		}
	}

}

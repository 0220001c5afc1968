package dev.mp.sample;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ProcessTemplate;
import dev.mp.test.JavaProcesses;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Boot application with DevTools, restarted for real. DevTools refuses to restart an application whose main
 * thread JUnit runs, so the application is a child JVM: its own classes a directory this test compiles (from
 * {@code src/test/resources/devtools-app}), DevTools, mp and the rest jars, as an application run from an IDE or
 * {@code spring-boot:run} has them. Each time it is ready, the application calls a {@code @WorkerProcess} method whose
 * argument and result are its own records, and prints what came back. The test then recompiles the worker-side class
 * to answer otherwise and touches DevTools' trigger file: the restarted application's worker runs the new code, its
 * answer is read by the new restart class loader, and the old context's worker is gone.
 */
@ExtendWith(NoChildProcessesLeft.class)
class DevToolsRestartIT {

	private static final Pattern REPORT = Pattern.compile("RESTART-APP answer=(\\d+) worker=(\\d+) loader=(\\S+) "
			+ "answerLoader=(true|false) staleThreads=\\[(.*)]");

	private static final Duration READY = Duration.ofSeconds(60);

	private static final String TRIGGER_FILE = ".restart-trigger";

	private static final List<String> output = new CopyOnWriteArrayList<>();

	private static final List<Long> workers = new CopyOnWriteArrayList<>();

	private static Process app;

	@AfterAll
	static void stopApplication() throws InterruptedException {
		if (app == null) {
			return;
		}
		// SIGTERM: Boot's shutdown hook closes the context, whose template ends its workers
		app.destroy();
		if (!app.waitFor(30, TimeUnit.SECONDS)) {
			app.destroyForcibly();
		}
		// once the application is gone its workers are no longer the test's descendants: watched by pid
		await("the workers of the restarted application to exit").atMost(Duration.ofSeconds(15))
			.until(() -> workers.stream().allMatch(JavaProcesses::hasExited));
	}

	@Test
	void aRestartEndsTheOldWorkersAndTheNewOnesRunTheRecompiledClasses() throws Exception {
		Path classes = Path.of("target", "devtools-app", "classes").toAbsolutePath();
		deleteRecursively(classes);
		Files.createDirectories(classes);
		List<String> libraries = libraries();
		compile(source("v1"), classes, libraries);
		app = start(classes, libraries);

		Matcher first = awaitReport(1);
		assertThat(first.group(1)).as("the first answer, 21 * 2").isEqualTo("42");
		assertThat(first.group(3)).startsWith("org.springframework.boot.devtools.restart.classloader.RestartClassLoader@");
		assertThat(first.group(4)).as("the answer's class is the restart class loader's").isEqualTo("true");
		long firstWorker = Long.parseLong(first.group(2));
		workers.add(firstWorker);

		compile(source("v2"), classes, libraries);
		Files.writeString(classes.resolve(TRIGGER_FILE), Instant.now().toString());

		Matcher second = awaitReport(2);
		assertThat(second.group(1)).as("the recompiled worker's answer, 21 * 3").isEqualTo("63");
		long secondWorker = Long.parseLong(second.group(2));
		workers.add(secondWorker);
		assertThat(secondWorker).as("a new worker").isNotEqualTo(firstWorker);
		assertThat(second.group(3)).as("the restart's class loader").startsWith(
				"org.springframework.boot.devtools.restart.classloader.RestartClassLoader@").isNotEqualTo(first.group(3));
		assertThat(second.group(4)).as("the answer's class is the new restart class loader's").isEqualTo("true");
		assertThat(second.group(5)).as("threads keeping the first restart class loader alive").isEmpty();
		await("the old context's worker " + firstWorker + " to exit").atMost(Duration.ofSeconds(15))
			.until(() -> JavaProcesses.hasExited(firstWorker));
	}

	/** The jars of the test's class path but the sample's own: mp, Spring Boot, DevTools. */
	private static List<String> libraries() {
		Path sample = Path.of("target").toAbsolutePath();
		List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> entry.endsWith(".jar") && !Path.of(entry).toAbsolutePath().startsWith(sample))
			.toList();
		String mp = ProcessTemplate.class.getProtectionDomain().getCodeSource().getLocation().getPath();
		assertThat(mp).as("mp-core as a jar, as an application depends on it (run through failsafe, after package)")
			.endsWith(".jar");
		assertThat(jars).anyMatch((jar) -> jar.contains("spring-boot-devtools"));
		return jars;
	}

	private static Path source(String version) throws URISyntaxException {
		return Path.of(Objects.requireNonNull(DevToolsRestartIT.class.getResource("/devtools-app/" + version)).toURI());
	}

	private static void compile(Path sources, Path classes, List<String> libraries) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
				classes + File.pathSeparator + String.join(File.pathSeparator, libraries), "-parameters"));
		try (Stream<Path> files = Files.walk(sources)) {
			files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> arguments.add(file.toString()));
		}
		assertThat(compiler.run(null, null, null, arguments.toArray(String[]::new))).as("javac's exit code").isZero();
	}

	private static Process start(Path classes, List<String> libraries) throws IOException {
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				classes + File.pathSeparator + String.join(File.pathSeparator, libraries), "restartapp.RestartApp",
				// no web server; the keep-alive thread holds the JVM up between a restart's stop and start
				"--spring.main.web-application-type=none", "--spring.main.keep-alive=true",
				// a restart only when the test says, once the recompiled class is all written
				"--spring.devtools.restart.trigger-file=" + TRIGGER_FILE,
				"--spring.devtools.restart.poll-interval=200ms", "--spring.devtools.restart.quiet-period=100ms",
				"--spring.devtools.livereload.enabled=false", "--mp.pools.default.size=1",
				"--mp.worker.jvm-options=-XX:+UseSerialGC,-XX:TieredStopAtLevel=1", "--mp.shutdown.grace-period=1s");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					System.out.println("[restart-app " + process.pid() + "] " + line);
					output.add(line);
				}
			}
			catch (IOException ex) {
				// the application has exited
			}
		}, "restart-app-output");
		reader.setDaemon(true);
		reader.start();
		return process;
	}

	/** The application's n-th report, once printed; a failed call or an exited application fails at once. */
	private static Matcher awaitReport(int n) {
		List<String> reports = await("report " + n + " of the application").atMost(READY)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				List<String> printed = output.stream().filter((line) -> line.startsWith("RESTART-APP")).toList();
				assertThat(printed).as("the application's reports").noneMatch((line) -> line.contains(" failed: "));
				assertThat(app.isAlive()).as("the application is running").isTrue();
				return printed;
			}, (printed) -> printed.size() >= n);
		Matcher report = REPORT.matcher(reports.get(n - 1));
		assertThat(report.matches()).as(reports.get(n - 1)).isTrue();
		return report;
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.delete(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
	}

}

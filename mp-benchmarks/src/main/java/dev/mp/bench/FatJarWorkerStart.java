package dev.mp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.internal.launch.PrivateDirectories;

/**
 * Issue 6: how long a Spring-mode worker of a Boot fat jar (the sample app) takes from pool creation to
 * {@code whenWarm()}, started through {@code PropertiesLauncher}, from the extracted jar, and from the extracted jar
 * with its class-data archive; next to the application's own {@code java -jar} start to its "Started" line. Not part
 * of {@link Benchmarks}:
 *
 * <pre>
 * java -cp mp-benchmarks/target/mp-benchmarks.jar dev.mp.bench.FatJarWorkerStart \
 *     mp-sample-app/target/mp-sample-app.jar dev.mp.sample.SampleApplication --mp.pools.default.min-idle=0
 * </pre>
 *
 * Arguments: the fat jar, its {@code @SpringBootApplication} class, then arguments for the application's own start
 * (above: no warm workers, which would start during the application's start and slow it down).
 * Each mode gets a fresh cache directory under {@code java.io.tmpdir}; the first start of a mode (which extracts, and
 * for the archive mode trains) is reported apart from the medians of the later ones. When a Java 25 is installed
 * (see {@link StartRows#java25()}), the archive mode again with the child on it (an ahead-of-time cache), and the
 * application's own start on it.
 */
public final class FatJarWorkerStart {

	private static final int RUNS = 7;

	private FatJarWorkerStart() {
	}

	public static void main(String[] args) throws Exception {
		Path jar = Path.of(args[0]).toAbsolutePath();
		String application = (args.length > 1) ? args[1] : "dev.mp.sample.SampleApplication";
		List<String> applicationArguments = (args.length > 2) ? List.of(args).subList(2, args.length) : List.of();
		Path base = Files.createTempDirectory("mp-fatjar-bench");
		try {
			Path java = Path.of(System.getProperty("java.home"));
			Path java25 = StartRows.java25();
			System.out.println("load average " + loadAverage());
			long app = median(report("app java -jar to Started",
					appStart(java, jar, base.resolve("app-cache"), applicationArguments)));
			for (String mode : List.of("launcher", "extracted", "archive")) {
				long worker = median(report("worker " + mode, workerStarts(java, jar, application, mode,
						base.resolve("cache-" + mode))));
				System.out.printf("  %.2fx the app's own start%n", worker / (double) app);
			}
			if (java25 != null) {
				// the child on Java 25 with its ahead-of-time cache; the application's own start on Java 25 beside it
				long worker = median(report("worker archive, child on " + java25,
						workerStarts(java25, jar, application, "archive", base.resolve("cache-archive-25"))));
				long app25 = median(report("app java -jar to Started on " + java25,
						appStart(java25, jar, base.resolve("app-cache-25"), applicationArguments)));
				System.out.printf(
						"  the Java 25 worker: %.2fx the app's own start, %.2fx the app's own start on Java 25%n",
						worker / (double) app, worker / (double) app25);
			}
			else {
				System.out.println("no Java 25 (set -Dmp.bench.java25=<java home>): its rows not measured");
			}
			System.out.println("load average " + loadAverage());
		}
		finally {
			// the extracted jars and archives of every mode: hundreds of MB
			PrivateDirectories.delete(base);
		}
	}

	private static List<Long> report(String what, List<Long> times) {
		System.out.println(what + ": " + describe(times));
		return times;
	}

	private static List<Long> workerStarts(Path javaHome, Path jar, String application, String mode, Path cache)
			throws Exception {
		List<Long> times = new ArrayList<>();
		ProcessOptions options = ProcessOptions.builder()
			.javaHome(javaHome)
			.classPath(jar.toString())
			.extractFatJar(!mode.equals("launcher"))
			.classDataSharing(mode.equals("archive"))
			.cacheDirectory(cache)
			.bootstrapMode("spring")
			.bootstrapAttributes(Map.of("spring.sources", application, "spring.profiles", ""))
			.build();
		for (int i = 0; i <= RUNS; i++) {
			try (ProcessTemplate template = ProcessTemplate.builder().defaults(options).build()) {
				long start = System.nanoTime();
				ProcessPool pool = template.pool("bench",
						PoolOptions.builder().size(1).minIdle(1).processOptions(options).build());
				pool.whenWarm().get(120, TimeUnit.SECONDS);
				times.add((System.nanoTime() - start) / 1_000_000);
				if (mode.equals("archive") && i == 0) {
					StartRows.awaitArchive(cache.resolve("cds"));
				}
			}
		}
		return times;
	}

	private static List<Long> appStart(Path javaHome, Path jar, Path cache, List<String> arguments) throws Exception {
		List<Long> times = new ArrayList<>();
		List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString(),
				"-Dmp.worker.cache-dir=" + cache, "-jar", jar.toString(), "--server.port=0"));
		command.addAll(arguments);
		for (int i = 0; i <= RUNS; i++) {
			long start = System.nanoTime();
			Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
			BufferedReader output = new BufferedReader(
					new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
			String line;
			while ((line = output.readLine()) != null) {
				if (line.contains("Started ")) {
					times.add((System.nanoTime() - start) / 1_000_000);
					break;
				}
			}
			app.destroy();
			Thread drain = new Thread(() -> {
				try {
					output.transferTo(Writer.nullWriter());
				}
				catch (IOException ex) {
					// the app is gone
				}
			});
			drain.start();
			if (!app.waitFor(30, TimeUnit.SECONDS)) {
				app.destroyForcibly();
			}
		}
		return times;
	}

	private static long median(List<Long> times) {
		List<Long> later = new ArrayList<>(times.subList(1, times.size()));
		Collections.sort(later);
		return later.get(later.size() / 2);
	}

	private static String describe(List<Long> times) {
		List<Long> later = new ArrayList<>(times.subList(1, times.size()));
		Collections.sort(later);
		return "first " + times.get(0) + " ms, then median " + later.get(later.size() / 2) + " ms (min "
				+ later.get(0) + ", max " + later.get(later.size() - 1) + ", n " + later.size() + "): " + times;
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).strip();
		}
		catch (IOException ex) {
			return "?";
		}
	}

}

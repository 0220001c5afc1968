package dev.mp.bench;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures mp against its floors and against Python's {@code multiprocessing}, in one run on one machine, and prints
 * a Markdown table (also written to {@code mp-benchmarks/target/benchmarks.md}). Every figure is the median (with
 * p10/p90) of many repetitions after warm-up; the targets (issue 3, synchronization) are printed as met or MISSED.
 *
 * <pre>
 * mvn -B -q -pl mp-benchmarks -am package -DskipTests &amp;&amp; java -jar mp-benchmarks/target/mp-benchmarks.jar
 * </pre>
 *
 * Options: {@code --quick} (a tenth of the repetitions, to try the harness), {@code --no-python}, {@code --sync-only}
 * (only the rows of the synchronization primitives and queues, and Python's counterparts), {@code --start-only} (only
 * the start-up rows of issue 6, their floors and Python's spawn start+join), {@code --codec-only} (only the fast
 * codec's rows and the {@code Integer} round trip they are compared with), {@code --memory-only} (only the idle
 * Spring-mode worker's memory with and without mp's memory flags, and the CPU-heavy task). System properties:
 * {@code mp.bench.python} (interpreter; else {@code MP_BENCH_PYTHON}, else {@code python3} resolved to its real
 * binary), {@code mp.bench.out} (report directory; default: the directory of this jar, i.e. {@code target}).
 * Progress goes to stderr, the table to stdout.
 */
public final class Benchmarks {

	/** The documented command, printed in the report. */
	static final String COMMAND = "mvn -B -q -pl mp-benchmarks -am package -DskipTests && "
			+ "java -jar mp-benchmarks/target/mp-benchmarks.jar";

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		// before anything touches SLF4J: show mp's warnings and errors only
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
				System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
		System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
		List<String> arguments = List.of(args);
		boolean quick = arguments.contains("--quick");
		boolean python = !arguments.contains("--no-python");
		boolean syncOnly = arguments.contains("--sync-only");
		boolean startOnly = arguments.contains("--start-only");
		boolean codecOnly = arguments.contains("--codec-only");
		boolean memoryOnly = arguments.contains("--memory-only");
		for (String argument : arguments) {
			if (!List.of("--quick", "--no-python", "--sync-only", "--start-only", "--codec-only", "--memory-only")
				.contains(argument)) {
				System.err.println("Unknown argument " + argument + "; usage: [--quick] [--no-python] [--sync-only | "
						+ "--start-only | --codec-only | --memory-only]");
				System.exit(2);
			}
		}
		// whatever happens (an exception, Ctrl-C), no child of the harness outlives it
		Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
			.forEach(ProcessHandle::destroyForcibly), "mp-bench-reaper"));

		Path outputDirectory = outputDirectory();
		Files.createDirectories(outputDirectory);
		Instant started = Instant.now();
		String loadAtStart = loadAverage();
		List<String> header = new ArrayList<>();
		header.add("Command: `" + COMMAND + "`" + (quick ? " (run with `--quick`: a tenth of the repetitions)" : "")
				+ (syncOnly ? " (run with `--sync-only`: synchronization rows only)" : "")
				+ (startOnly ? " (run with `--start-only`: start-up rows only)" : "")
				+ (codecOnly ? " (run with `--codec-only`: the fast codec's rows only)" : "")
				+ (memoryOnly ? " (run with `--memory-only`: the memory rows only)" : ""));
		header.add("Date: " + started.truncatedTo(ChronoUnit.SECONDS));
		header.add("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
				+ " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
		header.add("Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ "; children run `" + Bench.javaExecutable() + " -cp " + Bench.classPath()
				+ " <main>` with no JVM options");

		boolean failed;
		try (Bench bench = new Bench(quick, outputDirectory)) {
			if (!syncOnly && !codecOnly && !memoryOnly) {
				System.err.println("Floors");
				run(bench, "empty JVM", Floors::emptyJvm);
				run(bench, "JVM hello over a Unix socket", Floors::helloOverSocket);
				if (!startOnly) {
					run(bench, "Unix-socket ping-pong", Floors::socketPingPong);
					run(bench, "ExecutorService submit/get", Floors::executorSubmitGet);
					run(bench, "idle JVM RSS", Floors::idleJvmRss);
					run(bench, "1 MiB through shared memory", Floors::sharedMemoryMegabyte);
				}
			}

			System.err.println("Python multiprocessing");
			String interpreter = (python && !memoryOnly) ? PythonRows.resolveInterpreter() : null;
			if (interpreter != null && codecOnly) {
				header.add("Python: " + interpreter + ", only the order's round trips, timed inside Python with "
						+ "time.perf_counter_ns");
			}
			else if (interpreter != null) {
				run(bench, "Python (mp_bench.py)", (b) -> header.add("Python: "
						+ PythonRows.run(b, interpreter, syncOnly, startOnly)
						+ ", timed inside Python with time.perf_counter_ns"));
			}
			else {
				String why = memoryOnly ? "--memory-only" : python ? "no python3 found" : "--no-python";
				header.add("Python: not run (" + why + ")");
			}

			if (!syncOnly && !codecOnly && !memoryOnly) {
				System.err.println("mp");
				run(bench, "mp fresh process start+join", MpRows::freshProcessStartJoin);
				run(bench, "mp plain worker start to ready", (b) -> StartRows.plainWorkerStartToReady(b, interpreter));
				if (!startOnly) {
					run(bench, "mp warm pool round trip", MpRows::warmPoolRoundTrip);
					run(bench, "mp @WorkerProcess proxy round trip", MpRows::proxyRoundTrip);
					run(bench, "mp pool map", MpRows::poolMap);
					run(bench, "mp Spring worker start to ready", MpRows::springWorkerStartToReady);
					run(bench, "mp 1 MiB round trip", (b) -> MpRows.megabyteRoundTrip(b, interpreter));
					run(bench, "mp idle worker RSS", MpRows::idleWorkerRss);
					codecRows(bench, interpreter);
				}
			}
			if (codecOnly) {
				codecRows(bench, interpreter);
			}

			if (memoryOnly) {
				System.err.println("mp memory per worker");
				run(bench, "mp idle Spring worker PSS", MemoryRows::idleSpringWorkerPss);
				run(bench, "mp CPU-heavy task", MemoryRows::cpuHeavyTask);
			}

			if (!startOnly && !codecOnly && !memoryOnly) {
				System.err.println("mp synchronization primitives and queues");
				run(bench, "mp lock acquire+release in a child", SyncRows::lockInChild);
				run(bench, "mp lock acquire+release in the parent", SyncRows::lockInParent);
				run(bench, "mp lock hand-off", SyncRows::lockHandOff);
				run(bench, "mp event ping-pong", SyncRows::eventPingPong);
				run(bench, "mp queue of small messages", SyncRows::queueSmallMessages);
				run(bench, "mp queue of 1 MiB messages", SyncRows::queueMegabyteMessages);
				run(bench, "mp counter under a lock, 4 processes", SyncRows::counterUnderLock);
			}

			header.add(String.format(Locale.ROOT, "Wall time of the run: %.0f s; load average (1 min) at start %s, at end %s"
					+ " (other work on the machine slows and spreads every figure)",
					(System.currentTimeMillis() - started.toEpochMilli()) / 1000.0, loadAtStart, loadAverage()));
			String report = Report.render(bench, header);
			Path file = outputDirectory.resolve("benchmarks.md");
			Files.writeString(file, report, StandardCharsets.UTF_8);
			System.out.print(report);
			System.out.flush();
			System.err.println("Written to " + file);
			failed = !bench.failures().isEmpty();
		}
		if (failed) {
			System.exit(1);
		}
	}

	/** The fast codec's rows, after the {@code Integer} round trip they are compared with. */
	private static void codecRows(Bench bench, String interpreter) {
		System.err.println("mp with the fast codec");
		if (bench.measurements().stream().noneMatch((m) -> m.id().equals(Figures.MP_POOL_ROUND_TRIP))) {
			run(bench, "mp warm pool round trip", MpRows::warmPoolRoundTrip);
		}
		run(bench, "mp order round trip", (b) -> CodecRows.orderRoundTrip(b, interpreter));
		run(bench, "mp @WorkerProcess order round trip", CodecRows::orderThroughProxy);
		run(bench, "mp int[16] and record round trips", CodecRows::smallValuesRoundTrip);
		run(bench, "mp start to first answer with either codec", CodecRows::firstAnswer);
	}

	/** A figure method. */
	@FunctionalInterface
	interface Figure {

		void measure(Bench bench) throws Exception;

	}

	/** Runs one figure method; a failure is reported in the table's Failures section and the run goes on. */
	private static void run(Bench bench, String what, Figure figure) {
		try {
			figure.measure(bench);
		}
		catch (Exception | Error ex) {
			bench.failed(what, ex);
		}
		finally {
			// a figure's children must not disturb the next one
			ProcessHandle.current().children().forEach((child) -> {
				System.err.println("  WARNING: " + what + " left child " + child.pid() + " alive; killing it");
				child.descendants().forEach(ProcessHandle::destroyForcibly);
				child.destroyForcibly();
			});
		}
	}

	/** The 1-minute load average from {@code /proc/loadavg}, or {@code ?}. */
	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		}
		catch (Exception ex) {
			return "?";
		}
	}

	private static Path outputDirectory() throws URISyntaxException {
		String configured = System.getProperty("mp.bench.out");
		if (configured != null) {
			return Path.of(configured).toAbsolutePath();
		}
		// target/mp-benchmarks.jar or target/classes: either way, target
		Path location = Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		return location.toAbsolutePath().getParent();
	}

}

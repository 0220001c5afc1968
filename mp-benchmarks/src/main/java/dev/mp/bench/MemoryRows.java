package dev.mp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.SerializableCallable;
import dev.mp.internal.launch.MemoryFlags;

/**
 * The memory of an idle Spring-mode worker of the sample app's fat jar (its own settings: {@code -XX:+UseSerialGC},
 * {@code -Xmx128m}), with mp's memory flags and without them, in turns, pools of 2 and of 4; and a CPU-heavy task of
 * several seconds on a fresh worker with and without them, to show that the flags cost a long task nothing. The fat
 * jar is {@code mp-sample-app/target/mp-sample-app.jar} beside this module, or {@code -Dmp.bench.sample-jar}.
 */
final class MemoryRows {

	/**
	 * How long an idle pool is left alone before its PSS is read: past the second of the flags' native heap trims,
	 * which run every 5 s from the JVM's start. The first comes while a Spring worker still compiles what its boot ran:
	 * a sample worker read 84-87 MiB until it was 10 s old, and 74 MiB from then on, so a reading 8 s after the pool
	 * was warm (the worker about 10 s old) caught one or the other.
	 */
	static final long PSS_SETTLE_MILLIS = 12_000;

	private static final String SAMPLE_APPLICATION = "dev.mp.sample.SampleApplication";

	private static final long TIMEOUT_SECONDS = 120;

	/** Linux reports CPU times in /proc in USER_HZ, 100 a second on x86 and ARM. */
	private static final long CLOCK_TICKS = 100;

	private MemoryRows() {
	}

	static void idleSpringWorkerPss(Bench bench) throws Exception {
		Path jar = sampleJar();
		Path java25 = StartRows.java25();
		if (jar == null) {
			String why = "no sample app fat jar (build mp-sample-app, or set -Dmp.bench.sample-jar)";
			bench.pending(Figures.MP_SPRING_IDLE_PSS_OFF, "mp: idle Spring worker PSS, pool of 2, no memory flags",
					"MiB", why);
			bench.pending(Figures.MP_SPRING_IDLE_PSS, "mp: idle Spring worker PSS, pool of 2", "MiB", why);
			bench.pending(Figures.MP_SPRING_IDLE_PSS_4_OFF, "mp: idle Spring pool of 4, total PSS, no memory flags",
					"MiB", why);
			bench.pending(Figures.MP_SPRING_IDLE_PSS_4, "mp: idle Spring pool of 4, total PSS", "MiB", why);
			return;
		}
		idlePss(bench, jar, Path.of(System.getProperty("java.home")), "");
		if (java25 != null) {
			idlePss(bench, jar, java25, Figures.JAVA25);
		}
		else {
			bench.pending(Figures.MP_SPRING_IDLE_PSS + Figures.JAVA25, "mp: idle Spring worker PSS, pool of 2, child on "
					+ "Java 25", "MiB", "no Java 25 installed (set -Dmp.bench.java25=<java home>)");
		}
	}

	private static void idlePss(Bench bench, Path jar, Path javaHome, String suffix) throws Exception {
		String java = suffix.isEmpty() ? "" : ", child on Java 25";
		ProcessOptions helped = sampleOptions(jar, javaHome, bench.scratch().resolve("cache-memory" + suffix));
		ProcessOptions unhelped = sampleOptions(jar, javaHome, bench.scratch().resolve("cache-memory-off" + suffix))
			.toBuilder()
			.memoryFlags(false)
			.build();
		try (ProcessTemplate template = ProcessTemplate.builder().defaults(helped).build()) {
			AtomicInteger names = new AtomicInteger();
			// the archives of both, recorded by the first workers' training children before anything is measured
			for (ProcessOptions options : List.of(helped, unhelped)) {
				ProcessPool first = warm(template, "bench-memory-" + names.incrementAndGet(), 1, options);
				StartRows.awaitArchive(options.cacheDirectory().resolve("cds"));
				first.close();
			}
			int rounds = bench.reps(3);
			double[][] two = Bench.inTurns(0, rounds, () -> idlePss(template, helped, 2, names),
					() -> idlePss(template, unhelped, 2, names));
			bench.add(Measurement.of(Figures.MP_SPRING_IDLE_PSS_OFF + suffix,
					"mp: idle Spring worker PSS, pool of 2, no memory flags" + java, "MiB", two[1])
				.withNote("the sample app's fat jar (extracted, its archive recorded first), spring mode, "
						+ "-XX:+UseSerialGC -Xmx128m as the app sets them, memoryFlags(false): a worker as it was; "
						+ "Pss of /proc/<pid>/smaps_rollup " + PSS_SETTLE_MILLIS + " ms after the pool was warm, "
						+ "each worker a sample, " + rounds + " pools"));
			bench.add(Measurement.of(Figures.MP_SPRING_IDLE_PSS + suffix,
					"mp: idle Spring worker PSS, pool of 2" + java, "MiB", two[0])
				.withNote("the same with mp's memory flags (the default): "
						+ String.join(" ", MemoryFlags.of(javaHome, helped.jvmOptions(), true))
						+ ", MALLOC_ARENA_MAX=2; in turns with the row above"));
			if (!suffix.isEmpty()) {
				return;
			}
			double[][] four = Bench.inTurns(0, rounds, () -> totalPss(idlePss(template, helped, 4, names)),
					() -> totalPss(idlePss(template, unhelped, 4, names)));
			bench.add(Measurement.of(Figures.MP_SPRING_IDLE_PSS_4_OFF,
					"mp: idle Spring pool of 4, total PSS, no memory flags", "MiB", four[1])
				.withNote("as the pool of 2 without the flags, four workers; the sum of their PSS, one sample per pool"));
			bench.add(Measurement.of(Figures.MP_SPRING_IDLE_PSS_4, "mp: idle Spring pool of 4, total PSS", "MiB",
					four[0])
				.withNote("the same with mp's memory flags; in turns with the row above"));
		}
	}

	private static double[] idlePss(ProcessTemplate template, ProcessOptions options, int size, AtomicInteger names)
			throws Exception {
		ProcessPool pool = warm(template, "bench-memory-" + names.incrementAndGet(), size, options);
		try {
			Thread.sleep(PSS_SETTLE_MILLIS);
			double[] mib = new double[size];
			for (int i = 0; i < size; i++) {
				mib[i] = pssKiB(pool.workers().get(i).pid()) / 1024.0;
			}
			return mib;
		}
		finally {
			pool.close();
		}
	}

	private static double[] totalPss(double[] workers) {
		double total = 0;
		for (double worker : workers) {
			total += worker;
		}
		return new double[] { total };
	}

	/**
	 * A CPU-heavy task of several seconds that allocates as it goes, each on a fresh plain worker (a new pool of 1),
	 * with and without mp's memory flags, in turns; with the JVM's defaults and with the sample app's
	 * {@code -XX:+UseSerialGC -Xmx128m}. Besides the time to the answer, the worker's CPU time over the task, which
	 * other work on the machine moves less.
	 */
	static void cpuHeavyTask(Bench bench) throws Exception {
		Path cache = bench.scratch().resolve("cache-cpu");
		ProcessOptions defaults = ProcessOptions.builder().cacheDirectory(cache).build();
		ProcessOptions serial = defaults.toBuilder().jvmOptions("-XX:+UseSerialGC").maxHeap("128m").build();
		try (ProcessTemplate template = ProcessTemplate.builder().defaults(defaults).build()) {
			AtomicInteger names = new AtomicInteger();
			int reps = bench.reps(5);
			for (ProcessOptions options : List.of(defaults, serial)) {
				String suffix = (options == defaults) ? "" : Figures.SERIAL;
				String settings = (options == defaults) ? "the JVM's default heap and collector"
						: "-XX:+UseSerialGC -Xmx128m";
				ProcessOptions off = options.toBuilder().memoryFlags(false).build();
				List<Double> cpuOn = new ArrayList<>();
				List<Double> cpuOff = new ArrayList<>();
				double[][] seconds = Bench.inTurns(0, reps,
						Bench.Batch.of(() -> cpuTask(template, options, names, cpuOn)),
						Bench.Batch.of(() -> cpuTask(template, off, names, cpuOff)));
				bench.add(Measurement.of(Figures.MP_CPU_TASK_OFF + suffix,
						"mp: CPU-heavy task on a fresh worker, no memory flags, " + settings, "s", seconds[1])
					.withNote("a new 1-worker plain pool per task, memoryFlags(false); submit to answer of a task "
							+ "that sorts and hashes 30 rounds of 200,000 boxed random longs (garbage as it goes); "
							+ "the worker's CPU time over the task: median " + median(cpuOff) + " s"));
				bench.add(Measurement.of(Figures.MP_CPU_TASK + suffix,
						"mp: CPU-heavy task on a fresh worker, " + settings, "s", seconds[0])
					.withNote("the same with mp's memory flags, in turns with the row above; the worker's CPU time "
							+ "over the task: median " + median(cpuOn) + " s"));
			}
		}
	}

	private static double cpuTask(ProcessTemplate template, ProcessOptions options, AtomicInteger names,
			List<Double> cpuSeconds) throws Exception {
		ProcessPool pool = warm(template, "bench-cpu-" + names.incrementAndGet(), 1, options);
		try {
			long pid = pool.workers().get(0).pid();
			SerializableCallable<Long> task = MemoryRows::sortAndHash;
			long cpu = cpuTicks(pid);
			long start = System.nanoTime();
			pool.submit(task).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			double seconds = (System.nanoTime() - start) / 1e9;
			cpuSeconds.add((cpuTicks(pid) - cpu) / (double) CLOCK_TICKS);
			return seconds;
		}
		finally {
			pool.close();
		}
	}

	/** The user and system CPU time of a live process, in clock ticks, from {@code /proc/<pid>/stat}. */
	private static long cpuTicks(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		// the fields after the command, which is in parentheses and may hold spaces: utime and stime are 14 and 15
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	private static String median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		return String.format(Locale.ROOT, "%.2f", sorted.get(sorted.size() / 2));
	}

	/** Fixed work: the same numbers every time, so that only the worker's settings differ. */
	static long sortAndHash() {
		Random random = new Random(42);
		long checksum = 0;
		for (int round = 0; round < 30; round++) {
			List<Long> numbers = new ArrayList<>();
			for (int i = 0; i < 200_000; i++) {
				numbers.add(random.nextLong());
			}
			numbers.sort(null);
			Map<Long, Integer> positions = new HashMap<>();
			for (int i = 0; i < numbers.size(); i++) {
				positions.put(numbers.get(i), i);
			}
			checksum += positions.get(numbers.get(numbers.size() / 2));
		}
		return checksum;
	}

	private static ProcessPool warm(ProcessTemplate template, String name, int size, ProcessOptions options)
			throws Exception {
		ProcessPool pool = template.pool(name,
				PoolOptions.builder().size(size).minIdle(size).processOptions(options).build());
		pool.whenWarm().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		return pool;
	}

	private static ProcessOptions sampleOptions(Path jar, Path javaHome, Path cache) {
		return ProcessOptions.builder()
			.javaHome(javaHome)
			.classPath(jar.toString())
			.cacheDirectory(cache)
			.jvmOptions("-XX:+UseSerialGC")
			.maxHeap("128m")
			.bootstrapMode("spring")
			.bootstrapAttributes(Map.of("spring.sources", SAMPLE_APPLICATION, "spring.profiles", ""))
			.build();
	}

	/** The proportional set size of a live process, from {@code /proc/<pid>/smaps_rollup}, in KiB. */
	static long pssKiB(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
			if (line.startsWith("Pss:")) {
				return Long.parseLong(line.substring("Pss:".length()).replace("kB", "").trim());
			}
		}
		throw new IOException("No Pss for pid " + pid + " (not Linux 4.14+, or the process is gone)");
	}

	/** The sample app's fat jar, or {@code null} if it was not built. */
	private static Path sampleJar() {
		String configured = System.getProperty("mp.bench.sample-jar");
		Path jar = (configured != null) ? Path.of(configured) : Path.of("mp-sample-app/target/mp-sample-app.jar");
		return Files.isRegularFile(jar) ? jar.toAbsolutePath() : null;
	}

}

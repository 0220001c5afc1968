package dev.mp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;

/**
 * Issue 6: a plain worker from {@code pool(...)} to {@code whenWarm()}, with mp's start-up help (its class-data
 * archive, recorded before anything is timed, and its default start-up flags) and without it (the same worker of the
 * same class path with {@code classDataSharing(false)} and {@code startupFlags(false)}). The two are timed
 * alternately, start by start, so that drifting load on the machine falls on both alike. When a Java 25 is installed
 * (system property {@code mp.bench.java25}, else {@code /usr/lib/jvm/temurin-25-jdk-amd64}), the helped worker again
 * with that Java as the child's, its ahead-of-time cache recorded first, next to Python's spawn start+join.
 * <p>
 * Every row uses a cache directory of its own in the run's scratch directory, so that no archive of an earlier run
 * (or of another build of the harness) is measured.
 */
final class StartRows {

	private static final long TIMEOUT_SECONDS = 120;

	private StartRows() {
	}

	/**
	 * @param interpreter the Python that Python's spawn start+join is timed with, alternately with the Java 25 row, or
	 * {@code null}
	 */
	static void plainWorkerStartToReady(Bench bench, String interpreter) throws Exception {
		Path cache = bench.scratch().resolve("cache-plain");
		ProcessOptions helped = ProcessOptions.builder().cacheDirectory(cache).build();
		ProcessOptions unaided = helped.toBuilder().classDataSharing(false).startupFlags(false).build();
		try (ProcessTemplate template = ProcessTemplate.builder().defaults(helped).build()) {
			recordArchive(template, helped, cache);
			AtomicInteger names = new AtomicInteger();
			double[][] starts = Bench.inTurns(2, bench.reps(20),
					Bench.Batch.of(() -> startToReady(template, helped, names)),
					Bench.Batch.of(() -> startToReady(template, unaided, names)));
			bench.add(Measurement.of(Figures.MP_PLAIN_START_READY_UNAIDED,
					"mp: plain worker start to ready, no archive, no start-up flags", "ms", starts[1])
				.withNote("a new 1-worker plain pool per start, from pool() to whenWarm(); classDataSharing(false), "
						+ "startupFlags(false): the child as it starts without mp's help"));
			bench.add(Measurement.of(Figures.MP_PLAIN_START_READY,
					"mp: plain worker start to ready, with mp's start-up help", "ms", starts[0])
				.withNote("the same, with the defaults: the class-data archive (recorded before timing) and "
						+ String.join(" ", ProcessOptions.defaults().startupFlagList())
						+ "; timed alternately with the row above"));
		}
		Path java25 = java25();
		if (java25 == null) {
			bench.pending(Figures.MP_PLAIN_START_READY_25, "mp: plain worker start to ready, child on Java 25", "ms",
					"no Java 25 installed (set -Dmp.bench.java25=<java home>)");
			return;
		}
		Path cache25 = bench.scratch().resolve("cache-plain-25");
		ProcessOptions on25 = ProcessOptions.builder().cacheDirectory(cache25).javaHome(java25).build();
		try (ProcessTemplate template = ProcessTemplate.builder().defaults(on25).build()) {
			recordArchive(template, on25, cache25);
			AtomicInteger names = new AtomicInteger();
			int reps = bench.reps(20);
			Bench.Sample javaStart = () -> startToReady(template, on25, names);
			double[] millis = null;
			double[] python = null;
			String pythonProblem = "no Python";
			if (interpreter != null) {
				try (PythonRows.OnDemand spawn = PythonRows.OnDemand.start(bench, interpreter,
						PythonRows.SPAWN_ON_DEMAND)) {
					double[][] starts = Bench.inTurns(2, reps, Bench.Batch.of(javaStart), () -> spawn.sample(1));
					millis = starts[0];
					python = starts[1];
					pythonProblem = null;
				}
				catch (Exception ex) {
					// Python's failure must not cost the Java row: it is measured alone below
					pythonProblem = "mp_bench.py --spawn-on-demand failed: " + ex;
				}
			}
			if (millis == null) {
				millis = Bench.sample(2, reps, javaStart);
			}
			bench.add(Measurement.of(Figures.MP_PLAIN_START_READY_25,
					"mp: plain worker start to ready, child on Java 25", "ms", millis)
				.withNote("as the helped row, the child on " + java25 + " with its ahead-of-time cache"
						+ " (-XX:AOTCache, recorded before timing)"
						+ ((pythonProblem == null) ? "; timed in turns with the row below" : "")));
			if (pythonProblem == null) {
				bench.add(Measurement.of(Figures.PY_SPAWN_START_JOIN_ALTERNATED,
						"Python: Process start+join, spawn, alternated with the row above", "ms", python)
					.withNote("mp_bench.py --spawn-on-demand: the same start+join as Python's spawn row, one per "
							+ "request, after 5 unrecorded; after the Java 25 start in every other round, before it "
							+ "in the others"));
			}
			else {
				bench.pending(Figures.PY_SPAWN_START_JOIN_ALTERNATED,
						"Python: Process start+join, spawn, alternated with the row above", "ms", pythonProblem);
			}
		}
	}

	/** One start: a new 1-worker pool from {@code pool(...)} to {@code whenWarm()}, in ms; the pool is closed after. */
	private static double startToReady(ProcessTemplate template, ProcessOptions options, AtomicInteger names)
			throws Exception {
		String name = "bench-start-" + names.incrementAndGet();
		long start = System.nanoTime();
		ProcessPool pool = template.pool(name, PoolOptions.builder().size(1).minIdle(1).processOptions(options).build());
		try {
			pool.whenWarm().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			long end = System.nanoTime();
			if (pool.workers().size() != 1 || !pool.workers().get(0).isAlive()) {
				throw new IllegalStateException("pool " + name + " is warm but its worker is not alive");
			}
			return (end - start) / 1e6;
		}
		finally {
			pool.close();
		}
	}

	/** Starts one worker, whose training child records the archive, and waits for the archive. */
	private static void recordArchive(ProcessTemplate template, ProcessOptions options, Path cache) throws Exception {
		startToReady(template, options, new AtomicInteger(1_000));
		awaitArchive(cache.resolve("cds"));
	}

	/**
	 * Waits for a class-data archive or ahead-of-time cache in {@code directory} (the {@code cds} directory of a cache),
	 * polling: the training child runs after its worker is ready, and says nothing to its parent's caller.
	 */
	static void awaitArchive(Path directory) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		while (System.nanoTime() < deadline) {
			if (Files.isDirectory(directory)) {
				try (Stream<Path> files = Files.list(directory)) {
					if (files.anyMatch((file) -> file.toString().endsWith(".jsa") || file.toString().endsWith(".aot"))) {
						return;
					}
				}
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("no class-data archive in " + directory + " after " + TIMEOUT_SECONDS + " s");
	}

	/** The Java 25 home to run children on, or {@code null}. */
	static Path java25() {
		for (String candidate : List.of(System.getProperty("mp.bench.java25", ""),
				"/usr/lib/jvm/temurin-25-jdk-amd64")) {
			if (!candidate.isBlank() && Files.isExecutable(Path.of(candidate, "bin", "java"))) {
				return Path.of(candidate);
			}
		}
		return null;
	}

}

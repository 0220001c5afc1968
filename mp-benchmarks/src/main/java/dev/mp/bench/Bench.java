package dev.mp.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every figure method gets: the run's settings, the list it adds its {@link Measurement} to, a private scratch
 * directory (for sockets), and helpers to sample and to start child JVMs with the harness's own {@code java} and class
 * path (the same ones mp's children get by default, so floors and mp rows are started alike).
 */
public final class Bench implements AutoCloseable {

	private final boolean quick;

	private final Path outputDirectory;

	private final Path scratch;

	private final List<Measurement> measurements = new ArrayList<>();

	private final List<Pending> pending = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	Bench(boolean quick, Path outputDirectory) throws IOException {
		this.quick = quick;
		this.outputDirectory = outputDirectory;
		// short path: a Unix socket path is limited to ~108 bytes
		this.scratch = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "mpb",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
	}

	/** Whether this is a quick run ({@code --quick}): fewer repetitions, for trying the harness out. */
	public boolean quick() {
		return this.quick;
	}

	/** {@code n}, or a tenth of it (at least 3) in a quick run. */
	public int reps(int n) {
		return this.quick ? Math.max(3, n / 10) : n;
	}

	/** Where {@code benchmarks.md} and helper files go ({@code mp-benchmarks/target}). */
	public Path outputDirectory() {
		return this.outputDirectory;
	}

	/** A private (0700) directory, deleted at the end of the run. */
	public Path scratch() {
		return this.scratch;
	}

	/** The figures measured so far; figure methods add to it. */
	public List<Measurement> measurements() {
		return this.measurements;
	}

	public void add(Measurement measurement) {
		this.measurements.add(measurement);
		System.err.printf("  %-58s median %s %s (n=%d)%n", measurement.figure(), Report.number(measurement.median()),
				measurement.unit(), measurement.count());
	}

	/**
	 * A row that is not measured yet: shown in the table as such, so that nothing the issue asks for is silently
	 * missing. {@code why} says what it waits for.
	 */
	public void pending(String id, String figure, String unit, String why) {
		this.pending.add(new Pending(id, figure, unit, why));
		System.err.printf("  %-58s not measured yet (%s)%n", figure, why);
	}

	List<Pending> pendingRows() {
		return this.pending;
	}

	record Pending(String id, String figure, String unit, String why) {
	}

	List<String> failures() {
		return this.failures;
	}

	void failed(String what, Throwable ex) {
		String message = what + ": " + ex;
		this.failures.add(message);
		System.err.println("  FAILED " + message);
		ex.printStackTrace(System.err);
	}

	/** One repetition: returns its value in the figure's unit. */
	@FunctionalInterface
	public interface Sample {

		double measure() throws Exception;

	}

	/** Runs {@code warmup} unrecorded repetitions, then records {@code reps}. */
	public static double[] sample(int warmup, int reps, Sample sample) throws Exception {
		for (int i = 0; i < warmup; i++) {
			sample.measure();
		}
		double[] values = new double[reps];
		for (int i = 0; i < reps; i++) {
			values[i] = sample.measure();
		}
		return values;
	}

	/**
	 * What {@link #sampleSteady} recorded, and how it got there.
	 * @param values the recorded repetitions
	 * @param warmup the repetitions run before them
	 * @param leastWarmup the warm-up asked for at least
	 * @param steady whether the batch medians settled before the time allowed ran out
	 */
	public record Steady(double[] values, int warmup, int leastWarmup, boolean steady) {

		/** For a figure's note: {@code after N warm-up <what> (at least M, then until steady)}. */
		public String describe(String what) {
			return "after " + this.warmup + " warm-up " + what + " (at least " + this.leastWarmup + ", then "
					+ (this.steady ? "until steady" : "not steady after " + MAX_STEADY_WARMUP.toSeconds() + " s more")
					+ ")";
		}

	}

	/** The longest {@link #sampleSteady} warms up beyond its least warm-up. */
	public static final Duration MAX_STEADY_WARMUP = Duration.ofSeconds(15);

	/**
	 * Warms up until the figure is steady, then records {@code reps}: at least {@code leastWarmup} repetitions, then
	 * batches of {@code reps} until three batch medians in a row agree within 10% of each other, for at most
	 * {@link #MAX_STEADY_WARMUP} more. A call path across two JVMs is fast only once both JIT compilers are done with
	 * it (a C2 compile competes for the spinning threads' cores), and a new worker's heap grows, touching fresh pages,
	 * for its first few hundred megabytes; how many calls that takes depends on the machine, so a fixed count measured
	 * one or the other. The recorded batch is a batch of its own, after the ones that decided.
	 */
	public static Steady sampleSteady(int leastWarmup, int reps, Sample sample) throws Exception {
		for (int i = 0; i < leastWarmup; i++) {
			sample.measure();
		}
		long deadline = System.nanoTime() + MAX_STEADY_WARMUP.toNanos();
		int warmup = leastWarmup;
		double[] last = new double[3];
		int batches = 0;
		boolean steady = false;
		while (!steady && System.nanoTime() - deadline < 0) {
			last[batches++ % 3] = median(sample(0, reps, sample));
			warmup += reps;
			steady = batches >= 3 && Arrays.stream(last).max().getAsDouble()
					<= 1.1 * Arrays.stream(last).min().getAsDouble();
		}
		return new Steady(sample(0, reps, sample), warmup, leastWarmup, steady);
	}

	/** One side's turn in {@link #inTurns}: a batch of repetitions, in the figure's unit. */
	@FunctionalInterface
	public interface Batch {

		double[] measure() throws Exception;

		/** A batch of one repetition. */
		static Batch of(Sample sample) {
			return () -> new double[] { sample.measure() };
		}

	}

	/**
	 * Two figures taken in turns, so that both meet the machine in the same state (its speed moves from minute to
	 * minute, and two rows measured a minute apart measure that too): {@code unrecorded} turns, then {@code turns}
	 * recorded ones, each a batch of each side, the second side first in every other turn, so that neither always
	 * follows the other's work.
	 * @return the first side's recorded batches one after the other, then the second's
	 */
	public static double[][] inTurns(int unrecorded, int turns, Batch first, Batch second) throws Exception {
		List<double[]> firsts = new ArrayList<>();
		List<double[]> seconds = new ArrayList<>();
		for (int turn = -unrecorded; turn < turns; turn++) {
			boolean secondFirst = (turn & 1) != 0;
			double[] b = secondFirst ? second.measure() : null;
			double[] a = first.measure();
			if (!secondFirst) {
				b = second.measure();
			}
			if (turn >= 0) {
				firsts.add(a);
				seconds.add(b);
			}
		}
		return new double[][] { concat(firsts), concat(seconds) };
	}

	private static double[] concat(List<double[]> batches) {
		return batches.stream().flatMapToDouble(Arrays::stream).toArray();
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** The {@code java} this harness runs on. */
	public static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** This harness's class path: {@code target/mp-benchmarks.jar}, whose manifest names {@code target/lib/*.jar}. */
	public static String classPath() {
		return System.getProperty("java.class.path");
	}

	/** {@code java -cp <our class path> <main> <args>}, no JVM options: what mp's children get by default. */
	public static ProcessBuilder javaMain(Class<?> main, String... args) {
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", classPath(), main.getName()));
		command.addAll(List.of(args));
		return new ProcessBuilder(command);
	}

	/** The resident set size of a live process, from {@code /proc/<pid>/status} {@code VmRSS}, in KiB. */
	public static long vmRssKiB(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
			}
		}
		throw new IOException("No VmRSS for pid " + pid + " (not Linux, or the process is a zombie)");
	}

	/**
	 * How long an idle JVM is left alone, after it said it is ready, before its RSS is read: the same for the floor and
	 * for mp's idle workers, so that late class loading and JIT threads settle alike.
	 */
	public static final long RSS_SETTLE_MILLIS = 2_000;

	@Override
	public void close() {
		try (Stream<Path> paths = Files.walk(this.scratch)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			System.err.println("Could not delete " + this.scratch + ": " + ex);
		}
	}

}

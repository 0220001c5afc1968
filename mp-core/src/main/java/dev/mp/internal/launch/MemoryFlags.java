package dev.mp.internal.launch;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import com.sun.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;

/**
 * The JVM options mp puts in front of a local worker's own so that an idle worker holds less memory
 * ({@link dev.mp.ProcessOptions#memoryFlags()}), each for the Java versions that have it and skipped when the
 * worker's options already set it, and the variable it adds to the worker's environment. None caps the heap, the code
 * or the compilers of a long task, or makes it collect more often; figures in {@code docs/memory.md}.
 */
public final class MemoryFlags {

	/** Maps the class-data archives where they were written, so their read-only part stays shared between workers. */
	static final String NO_ARCHIVE_RELOCATION = "-XX:ArchiveRelocationMode=0";

	/** Hands the C heap's free memory (the JIT's arenas, mostly) back to the OS every five seconds. */
	static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=5000";

	/** glibc's malloc arenas: two, not eight per core, each holding what its threads freed. */
	static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";

	/**
	 * A SerialGC worker boots on a small heap, and regrows its generations to the default sizes once booted (see
	 * {@code HeapRegrowth}), which this property tells it to; the heap shrinks to what is live in one step first.
	 */
	static final List<String> REGROWTH = List.of("-XX:-ShrinkHeapInSteps", "-Dmp.worker.regrow-heap=true");

	/** A plain worker's boot heap: its boot keeps little, so it fits there. */
	static final String PLAIN_BOOT_HEAP = "-Xms8m";

	/**
	 * The young generation a worker that boots an application context starts with, in a heap with room for what the
	 * boot keeps ({@link #CONTEXT_BOOT_HEAP_MIB}). SerialGC resizes its young generation only at a full collection, and
	 * runs one right after any young collection that had to grow the old generation: a boot whose promotions fit runs
	 * none, and its garbage passes through these few MiB only.
	 */
	static final String CONTEXT_BOOT_YOUNG_GENERATION = "-XX:NewSize=3m";

	/**
	 * The heap a worker that boots an application context starts with, at most: room for what a Spring boot keeps (13
	 * to 15 MiB for the sample app), whose growth in an 8 MiB heap cost two full collections that each grew the young
	 * generation. Not more: SerialGC never shrinks its old generation below its initial size, nor the young one below
	 * a {@code NewRatio}th of that, so an idle worker keeps that much of what its calls touched.
	 */
	private static final long CONTEXT_BOOT_HEAP_MIB = 24;

	/** The JVM's default maximum heap, a quarter of the memory ({@code MaxRAMPercentage}). */
	private static final int DEFAULT_MAX_HEAP_SHARE = 4;

	private static final String UNLOCK_DIAGNOSTIC = "-XX:+UnlockDiagnosticVMOptions";

	private MemoryFlags() {
	}

	/**
	 * The memory flags for a worker on the Java at {@code javaHome}.
	 * @param own the worker's own JVM options (and those of its codec, its {@code -Xmx}, and those of its environment,
	 * see {@link #asTheJvmReadsThem}): a flag they set is left out
	 * @param bootsContext whether the worker boots an application context (any bootstrap mode but {@code plain})
	 */
	public static List<String> of(Path javaHome, List<String> own, boolean bootsContext) {
		return of(javaHome, own, bootsContext,
				() -> ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
	}

	/**
	 * As {@link #of(Path, List, boolean)}, for a worker on a machine (or in a container) of that much memory, asked
	 * only where it counts (the JVM reads its cgroup's files for it).
	 */
	static List<String> of(Path javaHome, List<String> own, boolean bootsContext, LongSupplier memoryBytes) {
		List<String> flags = new ArrayList<>();
		int feature = JavaRelease.featureVersion(javaHome);
		// a diagnostic option from Java 17 to 25 at least; later versions may rename it
		if (feature >= 17 && feature <= 25 && !sets(own, "-XX:ArchiveRelocationMode=")) {
			flags.add(UNLOCK_DIAGNOSTIC);
			flags.add(NO_ARCHIVE_RELOCATION);
		}
		if (trimsNativeHeap(feature, JavaRelease.javaVersion(javaHome)) && !sets(own, "-XX:TrimNativeHeapInterval=")) {
			flags.add(TRIM_NATIVE_HEAP);
		}
		// SerialGC's sizing as measured on Java 17 to 25 (later ones resize the young generation otherwise); the
		// generations' sizes, the collections that regrow them, or a pre-touched heap are the worker's own
		long maxHeap = maxHeapMiB(own);
		if (feature <= 25 && own.contains("-XX:+UseSerialGC") && !sets(own, "-Xms", "-XX:InitialHeapSize=",
				"-XX:MinHeapSize=", "-XX:InitialRAMPercentage=", "-XX:MinHeapFreeRatio=", "-XX:MaxHeapFreeRatio=",
				"-XX:+ShrinkHeapInSteps", "-XX:-ShrinkHeapInSteps", "-XX:+DisableExplicitGC", "-XX:+AlwaysPreTouch",
				"-Xmn", "-XX:NewSize=", "-XX:MaxNewSize=", "-XX:OldSize=", "-Dmp.worker.regrow-heap=")
				&& maxHeap > 8) {
			long contextHeap = bootsContext ? contextBootHeapMiB(maxHeap, own, memoryBytes) : 0;
			if (contextHeap > 8) {
				flags.add("-XX:InitialHeapSize=" + contextHeap + "m");
				flags.add(CONTEXT_BOOT_YOUNG_GENERATION);
			}
			else {
				flags.add(PLAIN_BOOT_HEAP);
			}
			flags.addAll(REGROWTH);
		}
		return List.copyOf(flags);
	}

	/**
	 * The boot heap of a worker that boots an application context: {@link #CONTEXT_BOOT_HEAP_MIB}, at most half its
	 * maximum heap, so that the old generation fits the old generation's maximum (else the JVM enlarges the young one,
	 * with a warning, or caps it for good where the maximum ends up equal to the boot heap); 0 when the maximum is not
	 * known here (the worker sizes it from the memory in a way of its own).
	 */
	private static long contextBootHeapMiB(long maxHeap, List<String> own, LongSupplier memoryBytes) {
		long max = maxHeap;
		if (max == Long.MAX_VALUE) {
			if (sets(own, "-XX:MaxRAM", "-XX:MinRAM", "-XX:InitialRAM", "-XX:ErgoHeapSizeLimit=")) {
				return 0;
			}
			max = (memoryBytes.getAsLong() >> 20) / DEFAULT_MAX_HEAP_SHARE;
		}
		return Math.min(CONTEXT_BOOT_HEAP_MIB, max / 2);
	}

	/**
	 * The options a worker's JVM reads, in the order it reads them: {@code JAVA_TOOL_OPTIONS} and
	 * {@code JDK_JAVA_OPTIONS} from its environment before the command line's, {@code _JAVA_OPTIONS} after them (so
	 * that the last of an option is the one that counts, as for the JVM).
	 * @param commandLine the options on the worker's command line
	 * @param environment the worker's environment: the parent's with the variables added for it
	 */
	public static List<String> asTheJvmReadsThem(List<String> commandLine, Map<String, String> environment) {
		List<String> options = new ArrayList<>();
		options.addAll(tokens(environment.get("JAVA_TOOL_OPTIONS")));
		options.addAll(tokens(environment.get("JDK_JAVA_OPTIONS")));
		options.addAll(commandLine);
		options.addAll(tokens(environment.get("_JAVA_OPTIONS")));
		return options;
	}

	private static List<String> tokens(@Nullable String variable) {
		return (variable == null || variable.isBlank()) ? List.of() : List.of(variable.trim().split("\\s+"));
	}

	/**
	 * Adds {@code MALLOC_ARENA_MAX=2} to a worker's environment, unless it has that variable already (its own, or the
	 * one it inherits).
	 */
	public static void addEnvironment(Map<String, String> environment) {
		environment.putIfAbsent(MALLOC_ARENA_MAX, "2");
	}

	/** {@code -XX:TrimNativeHeapInterval} came with Java 22 and was backported to 17.0.9 and 21.0.1. */
	private static boolean trimsNativeHeap(int feature, String version) {
		if (feature >= 22) {
			return true;
		}
		if (feature != 17 && feature != 21) {
			return false;
		}
		String[] parts = version.split("[.+-]");
		int update = 0;
		try {
			update = (parts.length > 2) ? Integer.parseInt(parts[2]) : 0;
		}
		catch (NumberFormatException ex) {
			// an unknown form: as the feature release itself
		}
		return update >= ((feature == 17) ? 9 : 1);
	}

	/** The last {@code -Xmx} or {@code -XX:MaxHeapSize=} of the options, in MiB; unbounded when none is given. */
	private static long maxHeapMiB(List<String> options) {
		long mib = Long.MAX_VALUE;
		for (String option : options) {
			String size = option.startsWith("-Xmx") ? option.substring(4)
					: option.startsWith("-XX:MaxHeapSize=") ? option.substring(16) : null;
			if (size != null && !size.isEmpty()) {
				int shift = switch (Character.toLowerCase(size.charAt(size.length() - 1))) {
					case 'k' -> -10;
					case 'm' -> 0;
					case 'g' -> 10;
					case 't' -> 20;
					default -> -20;
				};
				String digits = Character.isDigit(size.charAt(size.length() - 1)) ? size
						: size.substring(0, size.length() - 1);
				try {
					long value = Long.parseLong(digits);
					mib = (shift >= 0) ? value << shift : value >> -shift;
				}
				catch (NumberFormatException ex) {
					// the JVM rejects it itself
				}
			}
		}
		return mib;
	}

	private static boolean sets(List<String> options, String... prefixes) {
		for (String option : options) {
			for (String prefix : prefixes) {
				if (option.startsWith(prefix)) {
					return true;
				}
			}
		}
		return false;
	}

}

package dev.mp.internal.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The JVM options mp puts in front of a local worker's own so that an idle worker holds less memory
 * ({@link dev.mp.ProcessOptions#memoryFlags()}), each for the Java versions that have it and skipped when the
 * worker's options already set it, and the variable it adds to the worker's environment. None caps the heap, the code or the compilers of a long task; figures in
 * {@code docs/memory.md}.
 */
public final class MemoryFlags {

	/** The initial heap: a worker's heap grows from here as it needs, instead of starting at a 64th of the RAM. */
	static final String INITIAL_HEAP = "-Xms8m";

	private static final long INITIAL_HEAP_BYTES = 8L << 20;

	/** Maps the class-data archives where they were written, so their read-only part stays shared between workers. */
	static final String NO_ARCHIVE_RELOCATION = "-XX:ArchiveRelocationMode=0";

	/** Hands the C heap's free memory (the JIT's arenas, mostly) back to the OS every five seconds. */
	static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=5000";

	/** glibc's malloc arenas: two, not eight per core, each holding what its threads freed. */
	static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";

	private static final String UNLOCK_DIAGNOSTIC = "-XX:+UnlockDiagnosticVMOptions";

	private MemoryFlags() {
	}

	/**
	 * The memory flags for a worker on the Java at {@code javaHome}.
	 * @param own the worker's own JVM options (and those of its codec): a flag they set is left out
	 * @param maxHeap the worker's {@code -Xmx} value, or {@code null}: a smaller one than the initial heap keeps the
	 * JVM's own
	 */
	public static List<String> of(Path javaHome, List<String> own, @Nullable String maxHeap) {
		List<String> flags = new ArrayList<>();
		if (!sets(own, "-Xms", "-XX:InitialHeapSize=", "-XX:InitialRAMPercentage=", "-XX:MinHeapSize=")
				&& bytes(maxHeap(own, maxHeap)) >= INITIAL_HEAP_BYTES) {
			flags.add(INITIAL_HEAP);
		}
		int feature = JavaRelease.featureVersion(javaHome);
		// a diagnostic option from Java 17 to 25 at least; later versions may rename it
		if (feature >= 17 && feature <= 25 && !sets(own, "-XX:ArchiveRelocationMode=")) {
			flags.add(UNLOCK_DIAGNOSTIC);
			flags.add(NO_ARCHIVE_RELOCATION);
		}
		if (trimsNativeHeap(feature, JavaRelease.javaVersion(javaHome)) && !sets(own, "-XX:TrimNativeHeapInterval=")) {
			flags.add(TRIM_NATIVE_HEAP);
		}
		return List.copyOf(flags);
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

	/** The heap bound the JVM takes: the last {@code -Xmx} of the options, which come after the {@code maxHeap}. */
	private static @Nullable String maxHeap(List<String> own, @Nullable String maxHeap) {
		String bound = maxHeap;
		for (String option : own) {
			if (option.startsWith("-Xmx")) {
				bound = option.substring("-Xmx".length());
			}
		}
		return bound;
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

	/** The bytes of an {@code -Xmx} value such as {@code 128m}; unbounded for {@code null} or a form not known. */
	private static long bytes(@Nullable String size) {
		if (size == null || size.isBlank()) {
			return Long.MAX_VALUE;
		}
		String value = size.strip().toLowerCase(Locale.ROOT);
		int shift = switch (value.charAt(value.length() - 1)) {
			case 'k' -> 10;
			case 'm' -> 20;
			case 'g' -> 30;
			case 't' -> 40;
			default -> 0;
		};
		try {
			long number = Long.parseLong((shift == 0) ? value : value.substring(0, value.length() - 1));
			return number << shift;
		}
		catch (NumberFormatException ex) {
			return Long.MAX_VALUE;
		}
	}

}

package dev.mp.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The maximum heap a HotSpot JVM takes from its options, as its ergonomics choose it: {@code -Xmx} or
 * {@code -XX:MaxHeapSize} (the last one given), else {@code -XX:MaxRAMPercentage} (25 by default) of the memory it
 * sees; on a machine so small that half of that memory is under HotSpot's default heap of about 125 MiB,
 * {@code -XX:MinRAMPercentage} (50 by default) of it instead. An estimate for checking sizes, not the exact figure
 * (alignment and compressed-pointer limits are left out).
 */
final class HeapEstimate {

	/** HotSpot's built-in MaxHeapSize on 64 bits: 96 MiB scaled by 1.3 for the word size. */
	private static final long DEFAULT_MAX_HEAP = 96L * 1024 * 1024 * 13 / 10;

	/** HotSpot's built-in MaxRAM on 64 bits: a JVM sees at most this much memory unless told otherwise. */
	private static final long DEFAULT_MAX_RAM = 128L * 1024 * 1024 * 1024;

	private HeapEstimate() {
	}

	/**
	 * @param maxHeap the {@code -Xmx} value mp gives in front of the options ({@code 256m}), or {@code null}
	 * @param jvmOptions the JVM's other options
	 * @param memory the memory the JVM sees: its container's limit, else the machine's (unless
	 * {@code -XX:MaxRAM} says otherwise)
	 * @return the estimated maximum heap in bytes
	 */
	static long maxHeap(@Nullable String maxHeap, List<String> jvmOptions, long memory) {
		List<String> options = new ArrayList<>();
		if (maxHeap != null && !maxHeap.isBlank()) {
			options.add("-Xmx" + maxHeap);
		}
		options.addAll(jvmOptions);
		Long explicit = null;
		double maxPercentage = 25;
		double minPercentage = 50;
		long seen = Math.min(memory, DEFAULT_MAX_RAM);
		for (String option : options) {
			try {
				if (option.startsWith("-Xmx")) {
					explicit = bytes(option.substring("-Xmx".length()));
				}
				else if (option.startsWith("-XX:MaxHeapSize=")) {
					explicit = bytes(option.substring("-XX:MaxHeapSize=".length()));
				}
				else if (option.startsWith("-XX:MaxRAMPercentage=")) {
					maxPercentage = Double.parseDouble(option.substring("-XX:MaxRAMPercentage=".length()));
				}
				else if (option.startsWith("-XX:MinRAMPercentage=")) {
					minPercentage = Double.parseDouble(option.substring("-XX:MinRAMPercentage=".length()));
				}
				else if (option.startsWith("-XX:MaxRAM=")) {
					seen = bytes(option.substring("-XX:MaxRAM=".length()));
				}
			}
			catch (NumberFormatException ex) {
				// the JVM refuses it at start, with its own message; the estimate goes on without it
			}
		}
		if (explicit != null) {
			return explicit;
		}
		long small = (long) (seen * minPercentage / 100);
		return (small < DEFAULT_MAX_HEAP) ? small : Math.max((long) (seen * maxPercentage / 100), DEFAULT_MAX_HEAP);
	}

	/**
	 * A JVM size: a number of bytes, or of kilo-, mega-, giga- or terabytes with {@code k}, {@code m}, {@code g} or
	 * {@code t} (binary, either case).
	 * @throws NumberFormatException if it is none
	 */
	static long bytes(String size) {
		String value = size.strip().toLowerCase(Locale.ROOT);
		int shift = switch (value.isEmpty() ? ' ' : value.charAt(value.length() - 1)) {
			case 'k' -> 10;
			case 'm' -> 20;
			case 'g' -> 30;
			case 't' -> 40;
			default -> 0;
		};
		String digits = (shift > 0) ? value.substring(0, value.length() - 1) : value;
		return Long.parseLong(digits) << shift;
	}

}

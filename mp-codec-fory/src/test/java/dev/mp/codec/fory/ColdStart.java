package dev.mp.codec.fory;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

import dev.mp.spi.Codec;

/**
 * What a fresh JVM pays for a codec before its first answer: building it, its first round trip of the order, the next
 * one, and the first round trip of a class it has not seen. Run by {@link CodecMeasureTests} in JVMs of its own;
 * prints one line of milliseconds.
 */
final class ColdStart {

	private ColdStart() {
	}

	public static void main(String[] args) {
		long start = System.nanoTime();
		Codec codec = switch (args[0]) {
			case "jdk" -> TestCodecs.jdk();
			case "fory-generating" -> TestCodecs.foryGenerating();
			default -> TestCodecs.fory();
		};
		long built = System.nanoTime();
		roundTrip(codec, Order.sample());
		long first = System.nanoTime();
		roundTrip(codec, Order.sample());
		long second = System.nanoTime();
		roundTrip(codec, new Unseen("x", 1, List.of(BigDecimal.ONE)));
		long unseen = System.nanoTime();
		System.out.printf("build %.1f first %.1f second %.2f unseen %.1f%n", (built - start) / 1e6,
				(first - built) / 1e6, (second - first) / 1e6, (unseen - second) / 1e6);
	}

	private static void roundTrip(Codec codec, Object value) {
		if (!codec.decode(codec.encode(value), ColdStart.class.getClassLoader()).equals(value)) {
			throw new IllegalStateException("not the same value");
		}
	}

	record Unseen(String name, int count, List<BigDecimal> amounts) implements Serializable {
	}

}

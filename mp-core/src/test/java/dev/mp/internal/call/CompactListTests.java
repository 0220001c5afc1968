package dev.mp.internal.call;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;

import static org.assertj.core.api.Assertions.assertThat;

class CompactListTests {

	private final JavaSerializationCodec codec = new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()),
			"allow it", 64 * 1024 * 1024);

	@SuppressWarnings("unchecked")
	private List<Object> roundTrip(List<?> items) {
		byte[] bytes = this.codec.encode(new CompactList<>(items));
		return ((CompactList<Object>) this.codec.decode(bytes, getClass().getClassLoader())).items();
	}

	@Test
	void listsOfOneValueTypeRoundTrip() {
		assertThat(roundTrip(List.of(1, -2, Integer.MAX_VALUE))).containsExactly(1, -2, Integer.MAX_VALUE);
		assertThat(roundTrip(List.of(1L, Long.MIN_VALUE))).containsExactly(1L, Long.MIN_VALUE);
		assertThat(roundTrip(List.of(1.5, Double.NaN))).containsExactly(1.5, Double.NaN);
		assertThat(roundTrip(List.of("a", "", "ünï"))).containsExactly("a", "", "ünï");
		assertThat(roundTrip(List.of())).isEmpty();
	}

	@Test
	void mixedNullAndLongStringListsFallBackToPlainSerialization() {
		List<Object> mixed = new ArrayList<>(Arrays.asList(1, 2L, null, "x"));
		assertThat(roundTrip(mixed)).containsExactly(1, 2L, null, "x");
		String huge = "y".repeat(100_000);
		assertThat(roundTrip(List.of("short", huge))).containsExactly("short", huge);
	}

	@Test
	void aCompactListOfIntsIsMuchSmallerThanAnArrayList() {
		List<Integer> ints = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			ints.add(i * 1000);
		}
		int compact = this.codec.encode(new CompactList<>(ints)).length;
		int plain = this.codec.encode(new ArrayList<>(ints)).length;
		assertThat(compact).isLessThan(plain / 2);
	}

}

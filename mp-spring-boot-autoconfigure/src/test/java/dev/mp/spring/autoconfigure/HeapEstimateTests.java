package dev.mp.spring.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The maximum heap a JVM takes from its options, as HotSpot's ergonomics choose it.
 */
class HeapEstimateTests {

	private static final long GIB = 1L << 30;

	private static final long MIB = 1L << 20;

	@Test
	void anExplicitMaximumWinsTheLastOneGiven() {
		assertThat(HeapEstimate.maxHeap("256m", List.of(), 8 * GIB)).isEqualTo(256 * MIB);
		assertThat(HeapEstimate.maxHeap("256m", List.of("-XX:+UseSerialGC", "-Xmx1g"), 8 * GIB)).isEqualTo(GIB);
		assertThat(HeapEstimate.maxHeap(null, List.of("-XX:MaxHeapSize=512m", "-XX:MaxRAMPercentage=80"), 8 * GIB))
			.isEqualTo(512 * MIB);
	}

	@Test
	void withoutOneAShareOfTheMemoryItSees() {
		assertThat(HeapEstimate.maxHeap(null, List.of(), 8 * GIB)).isEqualTo(2 * GIB);
		assertThat(HeapEstimate.maxHeap(null, List.of("-XX:MaxRAMPercentage=75.0"), 8 * GIB)).isEqualTo(6 * GIB);
		assertThat(HeapEstimate.maxHeap(null, List.of("-XX:MaxRAM=4g"), 8 * GIB)).isEqualTo(GIB);
	}

	@Test
	void aLargeMachineIsSeenAsAtMostHotSpotsMaxRamUnlessTold() {
		assertThat(HeapEstimate.maxHeap(null, List.of(), 512 * GIB)).isEqualTo(32 * GIB);
		assertThat(HeapEstimate.maxHeap(null, List.of("-XX:MaxRAM=256g"), 512 * GIB)).isEqualTo(64 * GIB);
	}

	@Test
	void aSmallMachineGetsHalfItsMemoryAndAMiddlingOneHotSpotsDefault() {
		assertThat(HeapEstimate.maxHeap(null, List.of(), 200 * MIB)).isEqualTo(100 * MIB);
		assertThat(HeapEstimate.maxHeap(null, List.of(), 300 * MIB)).isBetween(124 * MIB, 126 * MIB);
	}

	@Test
	void anOptionItCannotReadIsLeftToTheJvm() {
		assertThat(HeapEstimate.maxHeap(null, List.of("-Xmxlots"), 8 * GIB)).isEqualTo(2 * GIB);
	}

	@Test
	void sizesReadAsTheJvmReadsThem() {
		assertThat(HeapEstimate.bytes("1073741824")).isEqualTo(GIB);
		assertThat(HeapEstimate.bytes("512K")).isEqualTo(512 * 1024);
		assertThat(HeapEstimate.bytes("2G")).isEqualTo(2 * GIB);
		assertThat(HeapEstimate.bytes("1t")).isEqualTo(1024 * GIB);
		assertThatExceptionOfType(NumberFormatException.class).isThrownBy(() -> HeapEstimate.bytes("1.5g"));
	}

}

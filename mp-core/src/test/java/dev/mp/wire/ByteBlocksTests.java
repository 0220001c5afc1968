package dev.mp.wire;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteBlocksTests {

	@Test
	void writesOfEverySizeAcrossBlockBoundariesComeBackInOrder() {
		Random random = new Random(42);
		ByteBlocks blocks = new ByteBlocks();
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		int[] sizes = { 0, 1, 511, 1, 512, 1000, 70_000, 300_000, 3, 600_000 };
		for (int size : sizes) {
			byte[] bytes = new byte[size + 2];
			random.nextBytes(bytes);
			blocks.write(bytes, 1, size);
			expected.write(bytes, 1, size);
			blocks.write(bytes[0]);
			expected.write(bytes[0]);
		}
		assertThat(blocks.size()).isEqualTo(expected.size());
		assertThat(blocks.toByteArray()).isEqualTo(expected.toByteArray());
	}

}

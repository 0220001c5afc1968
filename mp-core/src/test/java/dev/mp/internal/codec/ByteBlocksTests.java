package dev.mp.internal.codec;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteBlocksTests {

	@Test
	void writesOfEverySizeAcrossBlockBoundariesComeBackInOrder() {
		Random random = new Random(42);
		ByteBlocks blocks = new ByteBlocks(Long.MAX_VALUE);
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

	@Test
	void writingPastTheLimitFailsAtOnce() {
		ByteBlocks blocks = new ByteBlocks(1000);
		blocks.write(new byte[999], 0, 999);
		blocks.write(1);
		assertThatThrownBy(() -> blocks.write(2)).isInstanceOf(ByteBlocks.LimitExceededException.class);
		assertThat(blocks.size()).isEqualTo(1000);
	}

}

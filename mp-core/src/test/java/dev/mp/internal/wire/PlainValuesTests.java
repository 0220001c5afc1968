package dev.mp.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * mp's compact form for the values most calls return: each comes back equal (strings exactly, unpaired surrogates
 * included), its size is known before it is written, and nothing else goes in.
 */
class PlainValuesTests {

	@Test
	void everyPlainValueComesBackEqual() {
		byte[] large = new byte[1 << 20];
		Arrays.fill(large, (byte) 7);
		String unpairedSurrogate = "ok 😀".substring(0, 4);
		List<Object> values = Arrays.asList(null, true, false, 0, -1, Integer.MAX_VALUE, Long.MIN_VALUE, 2.5,
				Double.NaN, "", "plain ascii", "Latin-1: ünïcödé", "beyond: ✓ 𝄞", unpairedSurrogate,
				"x".repeat(PlainValues.MAX_STRING_CHARS), new byte[0], large);
		for (Object value : values) {
			assertThat(PlainValues.isPlain(value)).isTrue();
			byte[] encoded = PlainValues.encode(value);
			assertThat(encoded).hasSize((int) PlainValues.sizeOf(value));
			Object back = PlainValues.decode(encoded);
			if (value instanceof byte[] bytes) {
				assertThat((byte[]) back).isEqualTo(bytes);
			}
			else {
				assertThat(back).isEqualTo(value);
			}
		}
	}

	@Test
	void otherTypesAreNotPlainAndAreRefused() {
		for (Object value : List.of(1.5f, (short) 1, 'c', List.of(1), new int[] { 1 }, new Object(),
				"x".repeat(PlainValues.MAX_STRING_CHARS + 1))) {
			assertThat(PlainValues.isPlain(value)).isFalse();
			assertThatThrownBy(() -> PlainValues.encode(value)).isInstanceOf(IllegalArgumentException.class);
		}
	}

	@Test
	void aLengthBeyondTheBytesOrAnUnknownTagIsAProtocolError() throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(bytes);
		out.writeByte(7);
		out.writeInt(Integer.MAX_VALUE);
		out.write(new byte[10]);
		assertThatThrownBy(() -> PlainValues.decode(bytes.toByteArray())).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("beyond the frame");
		assertThatThrownBy(() -> PlainValues.decode(new byte[] { 99 })).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("tag 99");
		assertThatThrownBy(() -> PlainValues.decode(new byte[] { 3, 0 })).isInstanceOf(ProtocolException.class);
	}

}

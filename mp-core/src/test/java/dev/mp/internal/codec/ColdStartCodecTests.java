package dev.mp.internal.codec;

import java.text.SimpleDateFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mp.ClassRefusedException;
import dev.mp.spi.Codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JDK codec standing in for a provider's codec until it is built: which writes a value, and that either's bytes
 * are read, the JDK codec's behind its allow-list.
 */
class ColdStartCodecTests {

	private final Remembering provided = new Remembering();

	private final AtomicInteger builds = new AtomicInteger();

	private final BackgroundCodec background = BackgroundCodec.onDemand("remembering", () -> {
		this.builds.incrementAndGet();
		return this.provided;
	});

	private final JavaSerializationCodec java = new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()),
			"allow it", 1 << 20);

	private final ColdStartCodec codec = new ColdStartCodec(this.background, this.java);

	private final ClassLoader loader = getClass().getClassLoader();

	@Test
	void itWritesWithTheJdkCodecUntilTheProvidedOneIsBuiltThenWithThatAndReadsBoth() {
		byte[] cold = this.codec.encode(List.of("cold"));
		assertThat(ColdStartCodec.inJdkForm(cold, 0)).isTrue();
		assertThat(this.codec.wasUsed()).isTrue();
		assertThat(this.codec.isBuilt()).isFalse();
		assertThat(this.builds).hasValue(0);
		this.codec.startBuild(Runnable::run);
		assertThat(this.codec.isBuilt()).isTrue();
		byte[] built = this.codec.encode(List.of("built"));
		assertThat(built[0]).isEqualTo(Remembering.MARK);
		assertThat(this.codec.decode(cold, this.loader)).isEqualTo(List.of("cold"));
		assertThat(this.codec.decode(built, this.loader)).isEqualTo(List.of("built"));
		assertThat(this.builds).hasValue(1);
	}

	@Test
	void bytesOfTheProvidedCodecAndAValueTheJdkCodecCannotCarryWaitForItsBuild() {
		Object notSerializable = new Object();
		byte[] bytes = this.codec.encode(notSerializable);
		assertThat(bytes[0]).isEqualTo(Remembering.MARK);
		assertThat(this.builds).hasValue(1);
		assertThat(this.codec.decode(bytes, this.loader)).isSameAs(notSerializable);
	}

	@Test
	void theJdkCodecsAllowListRefusesAClassInEitherDirection() {
		// java.text is not among the allow-list's JDK packages
		SimpleDateFormat refused = new SimpleDateFormat("yyyy");
		assertThatExceptionOfType(ClassRefusedException.class).isThrownBy(() -> this.codec.encode(refused));
		byte[] unchecked = new JavaSerializationCodec(ClassAllowList.of(List.of("*")), "", 1 << 20).encode(refused);
		assertThatExceptionOfType(ClassRefusedException.class)
			.isThrownBy(() -> this.codec.decode(unchecked, this.loader));
		assertThat(this.builds).hasValue(0);
	}

	/** A provider's codec stand-in: its bytes are a mark and a number it remembers the value by. */
	static final class Remembering implements Codec {

		static final byte MARK = 0x01;

		private final Map<Byte, Object> values = new ConcurrentHashMap<>();

		@Override
		public byte[] encode(Object value) {
			byte id = (byte) this.values.size();
			this.values.put(id, value);
			return new byte[] { MARK, id };
		}

		@Override
		public Object decode(byte[] bytes, ClassLoader classLoader) {
			return this.values.get(bytes[1]);
		}

	}

}

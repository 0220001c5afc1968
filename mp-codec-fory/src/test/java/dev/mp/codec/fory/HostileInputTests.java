package dev.mp.codec.fory;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mp.ClassRefusedException;
import dev.mp.SerializationException;
import dev.mp.internal.codec.ClassAllowList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What a hostile or broken peer may send: classes off the allow-list (which are never loaded, let alone run), truncated,
 * oversized and fuzzed bytes (which fail with a {@link SerializationException}, never another exception, a hang or
 * an exhausted heap).
 */
class HostileInputTests {

	private static final ClassLoader LOADER = HostileInputTests.class.getClassLoader();

	private final ForyCodec codec = TestCodecs.fory();

	@AfterEach
	void noGadgetRan() {
		assertThat(GadgetLog.ranInTheTestsLoader()).as("gadget code that ran in the tests' loader").isEmpty();
	}

	static Stream<Arguments> gadgets() throws ReflectiveOperationException {
		return Stream.of(Arguments.of("a gadget", "Gadget", GadgetLoader.make("Gadget")),
				Arguments.of("a gadget in a list", "Gadget", new ArrayList<>(List.of(1, GadgetLoader.make("Gadget")))),
				Arguments.of("a gadget in an allowed record", "PlainGadget",
						new Wrapper("w", GadgetLoader.make("PlainGadget"))),
				Arguments.of("a gadget as a map key", "PlainGadget", new HashMap<>(Map.of(GadgetLoader.make("PlainGadget"), 1))),
				Arguments.of("an array of gadgets", "PlainGadget", arrayOf(GadgetLoader.make("PlainGadget"))),
				Arguments.of("a lambda a gadget captured", "GadgetTasks", GadgetLoader.make("GadgetTasks")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("gadgets")
	void aClassOffTheListIsRefusedAndNeverRunWhenDecoding(String description, String gadget, Object value) {
		byte[] bytes = TestCodecs.permissive().encode(value);
		assertThatExceptionOfType(ClassRefusedException.class).isThrownBy(() -> this.codec.decode(bytes, LOADER))
			.satisfies((refused) -> assertThat(refused.className()).isEqualTo("com.example.gadget." + gadget))
			.withMessageContaining(TestCodecs.HOW_TO_ALLOW);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("gadgets")
	void aClassOffTheListIsRefusedWhenEncoding(String description, String gadget, Object value) {
		assertThatExceptionOfType(ClassRefusedException.class).isThrownBy(() -> this.codec.encode(value))
			.satisfies((refused) -> assertThat(refused.className()).isEqualTo("com.example.gadget." + gadget))
			.withMessageContaining(TestCodecs.HOW_TO_ALLOW);
		assertThat(this.codec.fallbacks()).isZero();
	}

	@Test
	void aClassObjectOffTheListIsRefusedWhenDecoding() throws ReflectiveOperationException {
		// sent as a value, a Class is sent by name, as by JDK serialization, whose allow-list judges it when it is read
		byte[] bytes = this.codec.encode(List.of(GadgetLoader.make("PlainGadget").getClass()));
		assertThatExceptionOfType(ClassRefusedException.class).isThrownBy(() -> this.codec.decode(bytes, LOADER))
			.satisfies((refused) -> assertThat(refused.className()).isEqualTo("com.example.gadget.PlainGadget"));
	}

	@Test
	void everyTruncationFails() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			for (Object value : samples()) {
				byte[] whole = this.codec.encode(value);
				for (int length = 0; length < whole.length; length++) {
					byte[] truncated = Arrays.copyOf(whole, length);
					assertThatExceptionOfType(SerializationException.class)
						.as("%s cut to %d of %d bytes", value.getClass().getSimpleName(), length, whole.length)
						.isThrownBy(() -> this.codec.decode(truncated, LOADER));
				}
			}
		});
	}

	@Test
	void bytesOverTheLimitAreRefusedUnread() {
		ForyCodec small = TestCodecs.fory(ClassAllowList.withDefaults(List.of()), 64 * 1024);
		byte[] large = this.codec.encode(new byte[100_000]);
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> small.decode(large, LOADER))
			.withMessageContaining("more than the limit of 65536 bytes");
	}

	@Test
	void aValueOverTheLimitIsNotSent() {
		ForyCodec small = TestCodecs.fory(ClassAllowList.withDefaults(List.of()), 64 * 1024);
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> small.encode(new byte[100_000]))
			.withMessageContaining("a [B encodes to")
			.withMessageContaining("more than the limit of 65536 bytes");
		List<Object> manyStrings = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			manyStrings.add("string number " + i);
		}
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> small.encode(manyStrings))
			.withMessageContaining("more than the limit of 65536 bytes");
		assertThat(small.fallbacks()).isZero();
	}

	@Test
	void fuzzedBytesFailCleanly() {
		Random random = new Random(20_240_601L);
		List<byte[]> valid = samples().stream().map(this.codec::encode).toList();
		int[] outcomes = new int[2];
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			for (int i = 0; i < 4_000; i++) {
				byte[] fuzzed = fuzz(valid.get(random.nextInt(valid.size())), random);
				Throwable thrown = catchThrowable(() -> this.codec.decode(fuzzed, LOADER));
				if (thrown != null) {
					assertThat(thrown).as("payload %d: %s", i, Arrays.toString(fuzzed))
						.isInstanceOf(SerializationException.class);
				}
				outcomes[(thrown != null) ? 1 : 0]++;
			}
		});
		assertThat(outcomes[1]).as("payloads refused of %d", outcomes[0] + outcomes[1]).isGreaterThan(3_000);
	}

	@Test
	void randomBytesAfterAValidHeaderFail() {
		Random random = new Random(7L);
		byte[] header = Arrays.copyOf(this.codec.encode(1), 6);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			for (int i = 0; i < 2_000; i++) {
				byte[] bytes = Arrays.copyOf(header, 6 + 1 + random.nextInt(200));
				random.nextBytes(bytes);
				System.arraycopy(header, 0, bytes, 0, 6);
				assertThatExceptionOfType(SerializationException.class).as("payload %d: %s", i, Arrays.toString(bytes))
					.isThrownBy(() -> this.codec.decode(bytes, LOADER));
			}
		});
	}

	/** Values of each kind of layout: structs, collections, maps, arrays, strings, shared references and a cycle. */
	private static List<Object> samples() {
		List<Object> cycle = new ArrayList<>();
		cycle.add(cycle);
		Wrapper shared = new Wrapper("shared", List.of(1, 2));
		return List.of(Order.sample(), new HashMap<>(Map.of("a", 1, "b", new int[] { 1, 2, 3 }, "c", "text")),
				List.of(shared, shared, new Wrapper("other", new long[] { 5L })), cycle,
				new Object[] { "x", BigDecimal.TEN, new String[] { "y", "z" } });
	}

	/**
	 * Flips bits, overwrites, inserts or deletes bytes, anywhere, the header included; or writes a huge length (a
	 * varint of nearly 2^31) over what was there.
	 */
	private static byte[] fuzz(byte[] valid, Random random) {
		byte[] bytes = valid.clone();
		int at = random.nextInt(bytes.length);
		switch (random.nextInt(6)) {
			case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
			case 1 -> {
				for (int i = 0; i < 1 + random.nextInt(4); i++) {
					bytes[6 + random.nextInt(bytes.length - 6)] = (byte) random.nextInt();
				}
			}
			case 2 -> {
				int length = Math.min(bytes.length - at, 1 + random.nextInt(16));
				byte[] noise = new byte[length];
				random.nextBytes(noise);
				System.arraycopy(noise, 0, bytes, at, length);
			}
			case 3 -> {
				byte[] huge = { (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07 };
				System.arraycopy(huge, 0, bytes, at, Math.min(huge.length, bytes.length - at));
			}
			case 4 -> {
				byte[] longer = new byte[bytes.length + 1];
				System.arraycopy(bytes, 0, longer, 0, at);
				longer[at] = (byte) random.nextInt();
				System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
				bytes = longer;
			}
			default -> {
				byte[] shorter = new byte[bytes.length - 1];
				System.arraycopy(bytes, 0, shorter, 0, at);
				System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
				bytes = shorter;
			}
		}
		return bytes;
	}

	private static Object[] arrayOf(Object gadget) {
		Object[] array = (Object[]) Array.newInstance(gadget.getClass(), 2);
		array[0] = gadget;
		return array;
	}

	record Wrapper(String name, Object payload) {
	}

}

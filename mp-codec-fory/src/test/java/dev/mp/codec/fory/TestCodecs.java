package dev.mp.codec.fory;

import java.util.List;
import java.util.function.Predicate;

import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.spi.CodecSettings;

/** Codecs as mp will build them: its default allow-list, its JDK codec as the fallback, the tests' class loader. */
final class TestCodecs {

	static final String HOW_TO_ALLOW = "add it to mp.serialization.allowed-classes";

	static final int MAX_BYTES = 1 << 20;

	private TestCodecs() {
	}

	/** mp's defaults, which allow {@code dev.mp.**} and so the tests' own classes, plus the given patterns. */
	static ForyCodec fory(String... extraPatterns) {
		return fory(ClassAllowList.withDefaults(List.of(extraPatterns)), MAX_BYTES);
	}

	/** mp's JDK codec with its default allow-list, which allows the tests' own classes. */
	static JavaSerializationCodec jdk() {
		return new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()), HOW_TO_ALLOW, MAX_BYTES);
	}

	static ForyCodec fory(ClassAllowList allowList, int maxBytes) {
		return (ForyCodec) new ForyCodecProvider().create(settings(allowList::allows, allowList, maxBytes));
	}

	/** As {@link #fory(String...)}, but with serializers Fory generates for each class. */
	static ForyCodec foryGenerating() {
		ClassAllowList allowList = ClassAllowList.withDefaults(List.of());
		return new ForyCodec(settings(allowList::allows, allowList, MAX_BYTES), true);
	}

	/** A codec that encodes anything, to make the bytes a hostile peer would send. */
	static ForyCodec permissive() {
		ClassAllowList all = ClassAllowList.of(List.of("*"));
		return (ForyCodec) new ForyCodecProvider().create(settings((name) -> true, all, MAX_BYTES));
	}

	private static CodecSettings settings(Predicate<String> allowed, ClassAllowList allowList, int maxBytes) {
		return new CodecSettings(allowed, HOW_TO_ALLOW, maxBytes,
				new JavaSerializationCodec(allowList, HOW_TO_ALLOW, maxBytes), TestCodecs.class.getClassLoader());
	}

}

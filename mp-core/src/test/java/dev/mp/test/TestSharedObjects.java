package dev.mp.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.sync.SharedObjects;

/** A registry of shared objects for tests that make them without a template. */
public final class TestSharedObjects {

	private TestSharedObjects() {
	}

	/** With the default allow-list. */
	public static SharedObjects open() {
		return open(ClassAllowList.withDefaults(List.of()), 64 * 1024 * 1024);
	}

	public static SharedObjects open(ClassAllowList allowList, int maxBytes) {
		JavaSerializationCodec codec = new JavaSerializationCodec(allowList, "add it to the test's allow-list",
				maxBytes);
		try {
			return SharedObjects.open(null, () -> codec, TestSharedObjects.class.getClassLoader());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

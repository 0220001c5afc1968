package dev.mp.sync;

import java.nio.charset.StandardCharsets;

import dev.mp.spi.Codec;

/**
 * How a queue or pipe turns messages into ring records. The common types have a tag and a payload of their own,
 * with no serialization stream: {@code null}, {@code byte[]} (copied straight from the caller's array into the
 * ring, and from the ring into the array handed to the receiver), {@code String} (UTF-8), {@code Integer},
 * {@code Long}, {@code Double} and {@code Boolean} (8 bytes, no array at all). Everything else goes through the
 * template's {@link Codec}, so its allow-list applies: a refused class fails in the sender, before anything is
 * written, and in a receiver whose list refuses it.
 */
final class MessageCodec {

	static final int NULL = 0;

	static final int BYTES = 1;

	static final int STRING = 2;

	static final int SERIALIZED = 3;

	static final int INTEGER = 4;

	static final int LONG = 5;

	static final int DOUBLE = 6;

	static final int BOOLEAN = 7;

	private final SharedObject object;

	/** @param object the queue or pipe end whose registry (or, in a receiving process, the process's) codec to use */
	MessageCodec(SharedObject object) {
		this.object = object;
	}

	/** Encodes a message into the ring; {@code false} when the deadline passed with nothing written. */
	boolean put(SharedRing ring, Object message, long deadline) throws InterruptedException {
		if (message == null) {
			return ring.put(NULL, null, 0, 0, 0, deadline);
		}
		if (message instanceof byte[] bytes) {
			return ring.put(BYTES, bytes, 0, bytes.length, 0, deadline);
		}
		if (message instanceof String string) {
			byte[] utf8 = string.getBytes(StandardCharsets.UTF_8);
			return ring.put(STRING, utf8, 0, utf8.length, 0, deadline);
		}
		if (message instanceof Integer value) {
			return ring.put(INTEGER, null, 0, 8, value, deadline);
		}
		if (message instanceof Long value) {
			return ring.put(LONG, null, 0, 8, value, deadline);
		}
		if (message instanceof Double value) {
			return ring.put(DOUBLE, null, 0, 8, Double.doubleToRawLongBits(value), deadline);
		}
		if (message instanceof Boolean value) {
			return ring.put(BOOLEAN, null, 0, 8, value ? 1 : 0, deadline);
		}
		byte[] serialized = codec().encode(message);
		return ring.put(SERIALIZED, serialized, 0, serialized.length, 0, deadline);
	}

	/** The value of a scalar record. */
	static Object scalar(int tag, long bits) {
		return switch (tag) {
			case INTEGER -> Integer.valueOf((int) bits);
			case LONG -> Long.valueOf(bits);
			case DOUBLE -> Double.valueOf(Double.longBitsToDouble(bits));
			case BOOLEAN -> Boolean.valueOf(bits != 0);
			default -> throw new IllegalStateException("Unknown message tag " + tag + ": the ring is corrupt");
		};
	}

	/** Decodes a record of the {@link #SERIALIZED} kind. */
	Object deserialize(byte[] bytes) {
		SharedObjects owner = this.object.owner();
		return (owner != null) ? owner.codec().decode(bytes, owner.classLoader())
				: SharedObjects.receivedCodec().decode(bytes, SharedObjects.receivedClassLoader());
	}

	private Codec codec() {
		SharedObjects owner = this.object.owner();
		return (owner != null) ? owner.codec() : SharedObjects.receivedCodec();
	}

}

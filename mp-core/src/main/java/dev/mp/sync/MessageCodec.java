package dev.mp.sync;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import dev.mp.spi.Codec;

/**
 * How a queue or pipe turns messages into ring records, and a shared map or list its contents into stored
 * {@link Item}s. The common types have a tag and a payload of their own, with no serialization stream:
 * {@code null}, {@code byte[]} (copied straight from the caller's array into the ring, and from the ring into the
 * array handed to the receiver), {@code String} (UTF-8), {@code Integer}, {@code Long}, {@code Double} and
 * {@code Boolean} (8 bytes, no array at all). Everything else goes through the template's {@link Codec}, so its
 * allow-list applies: a refused class fails in the sender, before anything is written, and in a receiver whose list
 * refuses it.
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

	/** @param object the object whose registry's codec to use (in a receiving process, the process's) */
	MessageCodec(SharedObject object) {
		this.object = object;
	}

	/** Encodes a message into the ring; {@code false} when the deadline passed with nothing written. */
	boolean put(SharedRing ring, @Nullable Object message, long deadline) throws InterruptedException {
		if (message == null) {
			return ring.put(NULL, null, 0, 0, 0, deadline);
		}
		int tag = tag(message);
		if (isScalar(tag)) {
			return ring.put(tag, null, 0, 8, bits(tag, message), deadline);
		}
		byte[] payload = payload(tag, message);
		return ring.put(tag, payload, 0, payload.length, 0, deadline);
	}

	/** The tag a message that is not {@code null} is encoded with: its type's own, or {@link #SERIALIZED}. */
	static int tag(Object message) {
		if (message instanceof byte[]) {
			return BYTES;
		}
		if (message instanceof String) {
			return STRING;
		}
		if (message instanceof Integer) {
			return INTEGER;
		}
		if (message instanceof Long) {
			return LONG;
		}
		if (message instanceof Double) {
			return DOUBLE;
		}
		if (message instanceof Boolean) {
			return BOOLEAN;
		}
		return SERIALIZED;
	}

	/** Whether a tag's payload is 8 bytes held in a {@code long}, with no array. */
	static boolean isScalar(int tag) {
		return tag >= INTEGER;
	}

	/** The 8-byte payload of a scalar message. */
	static long bits(int tag, Object scalar) {
		return switch (tag) {
			case INTEGER -> (Integer) scalar;
			case LONG -> (Long) scalar;
			case DOUBLE -> Double.doubleToRawLongBits((Double) scalar);
			default -> ((Boolean) scalar) ? 1 : 0;
		};
	}

	/** The payload of a message that is not a scalar: a {@code byte[]} itself, UTF-8, or the codec's bytes. */
	byte[] payload(int tag, Object message) {
		return switch (tag) {
			case BYTES -> (byte[]) message;
			case STRING -> ((String) message).getBytes(StandardCharsets.UTF_8);
			default -> codec().encode(message);
		};
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

package dev.mp.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * One key, value or element of a {@link SharedContents} as it is stored: the tag and payload a queue would write for
 * it (see {@link MessageCodec}), kept encoded so that a change writes the others again without encoding them again.
 * Written as an 8-byte header (tag, payload length) and the payload. Items compare by identity, which is how a
 * change is told from no change.
 */
final class Item {

	private static final int HEADER = 8;

	private final int tag;

	private final byte @Nullable [] payload;

	private final long scalar;

	private Item(int tag, byte @Nullable [] payload, long scalar) {
		this.tag = tag;
		this.payload = payload;
		this.scalar = scalar;
	}

	/**
	 * Encodes a value; a {@code byte[]} is copied, so that the caller may change its array afterwards.
	 * @throws dev.mp.SerializationException when the value cannot be serialized or its class is refused
	 */
	static Item of(Object value, MessageCodec codec) {
		int tag = MessageCodec.tag(value);
		if (MessageCodec.isScalar(tag)) {
			return new Item(tag, null, MessageCodec.bits(tag, value));
		}
		byte[] payload = codec.payload(tag, value);
		return new Item(tag, (tag == MessageCodec.BYTES) ? payload.clone() : payload, 0);
	}

	/** Reads the item at the buffer's position, and moves past it. */
	static Item readFrom(ByteBuffer in) {
		long header = in.getLong();
		int tag = (int) (header >>> 32);
		if (MessageCodec.isScalar(tag)) {
			return new Item(tag, null, in.getLong());
		}
		byte[] payload = new byte[(int) header];
		in.get(payload);
		return new Item(tag, payload, 0);
	}

	/** The value, decoded anew: changing it changes nothing stored. */
	Object value(MessageCodec codec) {
		byte[] payload = this.payload;
		if (payload == null) {
			return MessageCodec.scalar(this.tag, this.scalar);
		}
		return switch (this.tag) {
			case MessageCodec.STRING -> new String(payload, StandardCharsets.UTF_8);
			case MessageCodec.BYTES -> payload.clone();
			default -> codec.deserialize(payload);
		};
	}

	/** The bytes {@link #writeTo} takes. */
	int size() {
		return HEADER + ((this.payload != null) ? this.payload.length : Long.BYTES);
	}

	void writeTo(ByteBuffer out) {
		byte[] payload = this.payload;
		int length = (payload != null) ? payload.length : Long.BYTES;
		out.putLong(((long) this.tag << 32) | (length & 0xFFFF_FFFFL));
		if (payload != null) {
			out.put(payload);
		}
		else {
			out.putLong(this.scalar);
		}
	}

}

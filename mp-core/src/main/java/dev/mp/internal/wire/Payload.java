package dev.mp.internal.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A frame's payload before it is sent: leading bytes, then {@link PlainValues} still held as values. Its size is known
 * exactly, so it can be written straight into shared memory, where a captured megabyte is copied once, or made into
 * one array for a socket. {@link #bytes()} is computed once. It holds the caller's arrays as they are: one that is
 * not sent at once is {@link #frozen()}.
 */
public final class Payload {

	private static final byte[] NONE = new byte[0];

	private final byte[] head;

	private final Object[] values;

	private final long size;

	private volatile byte[] bytes;

	private Payload(byte[] head, Object[] values, long size) {
		this.head = head;
		this.values = values;
		this.size = size;
	}

	/** Bytes encoded already (by the codec). */
	public static Payload of(byte[] bytes) {
		Payload payload = new Payload(bytes, new Object[0], bytes.length);
		payload.bytes = bytes;
		return payload;
	}

	/**
	 * Leading bytes followed by plain values in {@link PlainValues#write}'s form.
	 * @throws IllegalArgumentException if a value is not plain
	 */
	public static Payload withValues(byte[] head, Object... values) {
		long size = head.length;
		for (Object value : values) {
			if (!PlainValues.isPlain(value)) {
				throw new IllegalArgumentException("Not a plain value: a " + value.getClass().getName());
			}
			size += PlainValues.sizeOf(value);
		}
		return new Payload(head, values.clone(), size);
	}

	/** One plain value alone, as {@link PlainValues#encode} writes it. */
	public static Payload plain(Object value) {
		return withValues(NONE, value);
	}

	/** Leading bytes followed by another payload, whose values stay values. */
	public static Payload prefixed(byte[] prefix, Payload payload) {
		byte[] head = new byte[prefix.length + payload.head.length];
		System.arraycopy(prefix, 0, head, 0, prefix.length);
		System.arraycopy(payload.head, 0, head, prefix.length, payload.head.length);
		return new Payload(head, payload.values, prefix.length + payload.size);
	}

	/**
	 * The same payload as it is now, kept for later: arrays among its values are copied (JDK serialization would have
	 * copied them on encoding), so changes the caller makes to them after submitting change nothing.
	 */
	public Payload frozen() {
		Object[] copies = null;
		for (int i = 0; i < this.values.length; i++) {
			if (this.values[i] instanceof byte[] array) {
				if (copies == null) {
					copies = this.values.clone();
				}
				copies[i] = array.clone();
			}
		}
		return (copies != null) ? new Payload(this.head, copies, this.size) : this;
	}

	/** The bytes it takes, exactly. */
	public long size() {
		return this.size;
	}

	/**
	 * Writes it into a buffer with {@link #size()} bytes left; the buffer's position moves past it.
	 * @throws IllegalArgumentException if the buffer has less room
	 */
	public void writeTo(ByteBuffer target) {
		if (target.remaining() < this.size) {
			throw new IllegalArgumentException("A payload of " + this.size + " bytes in " + target.remaining());
		}
		byte[] encoded = this.bytes;
		if (encoded != null) {
			target.put(encoded);
			return;
		}
		target.put(this.head);
		try {
			DataOutputStream out = new DataOutputStream(BufferStreams.output(target));
			for (Object value : this.values) {
				PlainValues.write(out, value);
			}
		}
		catch (IOException ex) {
			// a buffer stream with room throws nothing
			throw new UncheckedIOException(ex);
		}
	}

	/** All of it in one array, made on first use. */
	public byte[] bytes() {
		byte[] encoded = this.bytes;
		if (encoded == null) {
			// size() fits an array: whoever built the payload checked it against the frame limit
			ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(this.size));
			writeTo(buffer);
			encoded = buffer.array();
			this.bytes = encoded;
		}
		return encoded;
	}

	@Override
	public String toString() {
		return "Payload of " + this.size + " bytes";
	}

}

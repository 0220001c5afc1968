package dev.mp.internal.wire;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Streams over a {@link ByteBuffer}, so that mp's own forms are read from and written to shared memory in place, a
 * byte array in one bulk copy. Reading past the end is the end of the stream; {@code available()} is what is left, so
 * the length checks made over a frame's bytes hold here too.
 */
public final class BufferStreams {

	private BufferStreams() {
	}

	/** Reads the buffer's remaining bytes, moving its position. */
	public static DataInputStream input(ByteBuffer source) {
		return new DataInputStream(new Input(source));
	}

	/** Writes at the buffer's position; writing beyond its limit throws {@link BufferOverflowException}. */
	public static OutputStream output(ByteBuffer target) {
		return new Output(target);
	}

	/** The remaining bytes as an array: the buffer's own when it wraps exactly one, else a copy. */
	public static byte[] bytes(ByteBuffer buffer) {
		if (buffer.hasArray() && buffer.arrayOffset() + buffer.position() == 0
				&& buffer.remaining() == buffer.array().length) {
			return buffer.array();
		}
		byte[] copy = new byte[buffer.remaining()];
		buffer.duplicate().get(copy);
		return copy;
	}

	private static final class Input extends InputStream {

		private final ByteBuffer source;

		Input(ByteBuffer source) {
			this.source = source;
		}

		@Override
		public int read() {
			return this.source.hasRemaining() ? (this.source.get() & 0xFF) : -1;
		}

		@Override
		public int read(byte[] into, int offset, int length) {
			if (length == 0) {
				return 0;
			}
			if (!this.source.hasRemaining()) {
				return -1;
			}
			int count = Math.min(length, this.source.remaining());
			this.source.get(into, offset, count);
			return count;
		}

		@Override
		public long skip(long count) {
			int skipped = (int) Math.max(0, Math.min(count, this.source.remaining()));
			this.source.position(this.source.position() + skipped);
			return skipped;
		}

		@Override
		public int available() {
			return this.source.remaining();
		}

	}

	private static final class Output extends OutputStream {

		private final ByteBuffer target;

		Output(ByteBuffer target) {
			this.target = target;
		}

		@Override
		public void write(int b) {
			this.target.put((byte) b);
		}

		@Override
		public void write(byte[] from, int offset, int length) {
			this.target.put(from, offset, length);
		}

	}

}

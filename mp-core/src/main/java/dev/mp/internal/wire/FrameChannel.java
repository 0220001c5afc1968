package dev.mp.internal.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over a blocking socket or a pair of streams: {@code int length, byte type, long correlationId,
 * payload}, where {@code length} counts everything after itself. One thread reads; writes from any thread are
 * serialized.
 */
public final class FrameChannel implements Closeable {

	/** Type and correlation id: the bytes of a frame after its length prefix and before its payload. */
	static final int HEADER_BYTES = 1 + Long.BYTES;

	private final Closeable resource;

	private final DataInputStream in;

	private final DataOutputStream out;

	/** The thread writing a frame, guarded by the output stream's lock. */
	private Thread writer;

	private volatile int maxFrameBytes;

	public FrameChannel(SocketChannel socket, int maxFrameBytes) {
		this(new ChannelIn(socket), new ChannelOut(socket), socket, maxFrameBytes);
	}

	/**
	 * Frames over any pair of streams, such as a TLS socket's.
	 * @param resource what {@link #close()} closes
	 */
	public FrameChannel(InputStream in, OutputStream out, Closeable resource, int maxFrameBytes) {
		this.resource = resource;
		this.in = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
		this.out = new DataOutputStream(new BufferedOutputStream(out, 64 * 1024));
		this.maxFrameBytes = maxFrameBytes;
	}

	/**
	 * Reads the next frame, blocking.
	 * @return the frame, or {@code null} at a clean end of stream (the peer closed between frames)
	 * @throws ProtocolException if the bytes are not a valid frame
	 * @throws IOException if the socket fails
	 */
	public Frame read() throws IOException {
		// only an end before the first byte is clean: one inside the length prefix is a truncated frame
		int first = this.in.read();
		if (first == -1) {
			return null;
		}
		int length;
		try {
			length = (first << 24) | (this.in.readUnsignedByte() << 16) | this.in.readUnsignedShort();
		}
		catch (EOFException ex) {
			throw new ProtocolException("Truncated frame: the stream ended inside a frame's length prefix", ex);
		}
		checkLength(length, this.maxFrameBytes);
		try {
			FrameType type = FrameType.of(this.in.readByte());
			long correlationId = this.in.readLong();
			byte[] payload = new byte[length - HEADER_BYTES];
			this.in.readFully(payload);
			return new Frame(type, correlationId, payload);
		}
		catch (EOFException ex) {
			throw new ProtocolException("Truncated frame: the stream ended inside a frame of " + length + " bytes", ex);
		}
	}

	/**
	 * Checks a frame's length prefix (everything after it) against the payload limit.
	 * @throws ProtocolException if it is out of bounds
	 */
	static void checkLength(int length, int maxFrameBytes) {
		if (length < HEADER_BYTES || length - HEADER_BYTES > maxFrameBytes) {
			throw new ProtocolException("Frame length " + length + " is outside 9.." + (maxFrameBytes + HEADER_BYTES)
					+ " bytes (raise mp.protocol.max-frame-size if payloads are really this large)");
		}
	}

	/** A frame's bytes as {@link #write} sends them, for a non-blocking channel. */
	public static ByteBuffer encoded(Frame frame) {
		ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES + HEADER_BYTES + frame.payload().length);
		return bytes.put(header(frame)).put(frame.payload()).flip();
	}

	/** The length prefix, type and correlation id of a frame. */
	private static byte[] header(Frame frame) {
		return ByteBuffer.allocate(Integer.BYTES + HEADER_BYTES)
			.putInt(HEADER_BYTES + frame.payload().length)
			.put(frame.type().code())
			.putLong(frame.correlationId())
			.array();
	}

	/**
	 * Writes one frame and flushes it.
	 * @throws ProtocolException if the payload is larger than the frame limit
	 */
	public void write(Frame frame) throws IOException {
		if (frame.payload().length > this.maxFrameBytes) {
			throw new ProtocolException("Payload of " + frame.payload().length + " bytes exceeds the frame limit of "
					+ this.maxFrameBytes + " bytes (mp.protocol.max-frame-size)");
		}
		// a socket channel is interruptible: a writer with a pending interrupt (a caller whose thread was interrupted)
		// would close the connection, ending the worker, and a frame cut short would break the stream anyway
		boolean interrupted = Thread.interrupted();
		try {
			writeFrame(frame);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void writeFrame(Frame frame) throws IOException {
		synchronized (this.out) {
			if (this.writer == Thread.currentThread()) {
				// something the write itself called (a TLS debug line, forwarded output) would land inside this frame
				throw new IllegalStateException("A frame written in the middle of another on the same thread");
			}
			this.writer = Thread.currentThread();
			try {
				this.out.write(header(frame));
				this.out.write(frame.payload());
				this.out.flush();
			}
			finally {
				this.writer = null;
			}
		}
	}

	/** Changes the frame limit: small until a peer has proved who it is, the configured one after. */
	public void limit(int maxFrameBytes) {
		this.maxFrameBytes = maxFrameBytes;
	}

	@Override
	public void close() throws IOException {
		this.resource.close();
	}

	/**
	 * Reads the channel directly: the JDK's {@code Channels.newInputStream} holds the channel's blocking lock while it
	 * waits for bytes, which would stop every write until the peer sends something.
	 */
	private static final class ChannelIn extends InputStream {

		private final SocketChannel socket;

		ChannelIn(SocketChannel socket) {
			this.socket = socket;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == -1) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			return (length == 0) ? 0 : this.socket.read(ByteBuffer.wrap(bytes, offset, length));
		}

	}

	/** Writes the channel directly, for the same reason as {@link ChannelIn}. */
	private static final class ChannelOut extends OutputStream {

		private final SocketChannel socket;

		ChannelOut(SocketChannel socket) {
			this.socket = socket;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
			while (buffer.hasRemaining()) {
				this.socket.write(buffer);
			}
		}

	}

}

package dev.mp.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * One frame read from a non-blocking channel as its bytes arrive, for a connection that gets no thread of its own
 * before it has proved who it is. Until the length prefix is in, it holds just that prefix, so that a silent peer
 * costs a few bytes; the payload is allocated when its length is known and within the limit.
 */
public final class PartialFrame {

	private final int maxFrameBytes;

	private final ByteBuffer header = ByteBuffer.allocate(Integer.BYTES + FrameChannel.HEADER_BYTES);

	private ByteBuffer payload;

	public PartialFrame(int maxFrameBytes) {
		this.maxFrameBytes = maxFrameBytes;
	}

	/**
	 * Reads what the channel has.
	 * @return the frame once all of it is in, else {@code null}
	 * @throws EOFException if the peer closed the connection first
	 * @throws ProtocolException if the bytes are not a valid frame
	 */
	public Frame readFrom(ReadableByteChannel channel) throws IOException {
		if (this.header.hasRemaining()) {
			read(channel, this.header);
			if (this.header.position() >= Integer.BYTES && this.payload == null) {
				int length = this.header.getInt(0);
				FrameChannel.checkLength(length, this.maxFrameBytes);
				this.payload = ByteBuffer.allocate(length - FrameChannel.HEADER_BYTES);
			}
			if (this.header.hasRemaining()) {
				return null;
			}
		}
		read(channel, this.payload);
		if (this.payload.hasRemaining()) {
			return null;
		}
		return new Frame(FrameType.of(this.header.get(Integer.BYTES)), this.header.getLong(Integer.BYTES + 1),
				this.payload.array());
	}

	private static void read(ReadableByteChannel channel, ByteBuffer into) throws IOException {
		if (into.hasRemaining() && channel.read(into) == -1) {
			throw new EOFException("The peer closed the connection in the middle of a frame");
		}
	}

}

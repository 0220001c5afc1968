package dev.mp.internal.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;

/**
 * A remote worker's {@code System.out} and {@code System.err}, copied to the parent as {@link FrameType#OUTPUT} frames
 * besides going where they went (for a pod, the container log), so that the app logs a pod's output as it logs a local
 * worker's. What native code writes to the file descriptors itself, and what the JVM wrote before the connection, is
 * only in the container log.
 */
final class OutputForwarding extends OutputStream {

	static final byte STDOUT = 1;

	static final byte STDERR = 2;

	/** Bytes per frame: a huge print goes in pieces, each well within any frame limit. */
	private static final int MAX_CHUNK = 64 * 1024;

	private final OutputStream original;

	private final FrameChannel channel;

	private final byte stream;

	/** Off once the connection fails: the output then only goes where it always went. */
	private volatile boolean forwarding = true;

	private OutputForwarding(OutputStream original, FrameChannel channel, byte stream) {
		this.original = original;
		this.channel = channel;
		this.stream = stream;
	}

	/** Replaces {@code System.out} and {@code System.err} with streams that also send to the parent. */
	static void install(FrameChannel channel) {
		System.setOut(new PrintStream(new OutputForwarding(System.out, channel, STDOUT), true));
		System.setErr(new PrintStream(new OutputForwarding(System.err, channel, STDERR), true));
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		this.original.write(bytes, offset, length);
		if (!this.forwarding || length == 0) {
			return;
		}
		try {
			for (int start = offset; start < offset + length; start += MAX_CHUNK) {
				int chunk = Math.min(MAX_CHUNK, offset + length - start);
				byte[] payload = new byte[chunk + 1];
				payload[0] = this.stream;
				System.arraycopy(bytes, start, payload, 1, chunk);
				this.channel.write(new Frame(FrameType.OUTPUT, 0, payload));
			}
		}
		catch (IllegalStateException ex) {
			// written while this thread writes another frame (see FrameChannel.write): the container log has it
		}
		catch (IOException | RuntimeException ex) {
			this.forwarding = false;
		}
	}

	@Override
	public void flush() throws IOException {
		this.original.flush();
	}

}

package dev.mp.internal.server;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.PartialFrame;

/**
 * A connection waiting on the accepting thread: on the Unix socket with its handshake, the challenge going out and
 * the answer coming in; on the TLS door until the header of its peer's first TLS record is in.
 */
final class PendingConnection {

	final SocketChannel socket;

	final String door;

	final @Nullable TlsDoor tls;

	final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WorkerServer.HANDSHAKE_MILLIS);

	final byte @Nullable [] nonce;

	final @Nullable ByteBuffer challenge;

	final @Nullable PartialFrame answer;

	final @Nullable ByteBuffer tlsHeader;

	@Nullable SelectionKey key;

	/**
	 * @param tls the TLS door it came in by, or {@code null} for the Unix socket
	 */
	PendingConnection(SocketChannel socket, String door, @Nullable TlsDoor tls) {
		this.socket = socket;
		this.door = door;
		this.tls = tls;
		this.nonce = (tls != null) ? null : Handshake.randomBytes();
		this.challenge = (tls != null) ? null : FrameChannel.encoded(new Frame(FrameType.HELLO, 0, this.nonce));
		this.answer = (tls != null) ? null : new PartialFrame(WorkerServer.HANDSHAKE_FRAME_BYTES);
		this.tlsHeader = (tls != null) ? ByteBuffer.allocate(TlsDoor.RECORD_HEADER) : null;
	}

}

package dev.mp.internal.server;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;

/**
 * The accepting thread of a {@link WorkerServer}: one selector over both doors' listeners and the connections they
 * accepted, held without blocking until they prove themselves (the Unix socket's handshake runs here), begin their
 * TLS handshake (which then gets a thread of the {@link TlsDoor}), or run out of time. What a connection proves, and
 * where it goes then, the server decides.
 */
final class HandshakeSelector {

	/** The server's: this is its accepting thread. */
	private static final Logger logger = LoggerFactory.getLogger(WorkerServer.class);

	/** Connections a door accepts before the accepting thread turns to those it holds again. */
	private static final int ACCEPTS_PER_ROUND = 64;

	private final WorkerServer server;

	private final ServerSocketChannel unixListener;

	private final int maxFrameBytes;

	private final Selector selector;

	/** The connections the accepting thread holds; only that thread changes it. */
	private final HeldConnections held = new HeldConnections();

	/**
	 * Opens the selector with the Unix socket's listener registered; the TLS door registers its own on first use.
	 * @param maxFrameBytes the largest frame a proven worker may send
	 */
	HandshakeSelector(WorkerServer server, ServerSocketChannel unixListener, int maxFrameBytes) throws IOException {
		this.server = server;
		this.unixListener = unixListener;
		this.maxFrameBytes = maxFrameBytes;
		this.selector = Selector.open();
		unixListener.register(this.selector, SelectionKey.OP_ACCEPT);
	}

	void start() {
		Thread acceptor = new Thread(this::acceptLoop, "mp-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** The selector the TLS door's listener registers with. */
	Selector selector() {
		return this.selector;
	}

	/** How many connections the accepting thread holds now. */
	int held() {
		return this.held.size();
	}

	/**
	 * Accepts connections on both doors and holds them, on this one thread and without blocking, until they prove
	 * themselves (the Unix socket's handshake runs here) or begin their TLS handshake (which then gets a thread).
	 */
	private void acceptLoop() {
		HeldConnections pending = this.held;
		try {
			while (this.unixListener.isOpen()) {
				try {
					round(pending);
				}
				catch (RuntimeException | Error ex) {
					if (!this.unixListener.isOpen()) {
						// closed meanwhile: the selector too
						return;
					}
					// each connection's step catches its own, so this is the loop's: going on is all that helps
					logger.error("mp's worker socket {} failed to accept or hold connections: {}",
							this.server.socketPath(), ex.toString(), ex);
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
				}
			}
		}
		catch (IOException ex) {
			if (this.unixListener.isOpen()) {
				logger.error("mp's worker socket {} stopped accepting connections: {}", this.server.socketPath(),
						ex.toString());
			}
		}
		finally {
			pending.closeAll();
		}
	}

	private void round(HeldConnections pending) throws IOException {
		PendingConnection next = pending.first();
		long wait = (next == null) ? 0
				: Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.deadline - System.nanoTime()));
		this.selector.select(wait);
		for (Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator(); keys.hasNext();) {
			SelectionKey key = keys.next();
			keys.remove();
			if (!key.isValid()) {
				// dropped for a newcomer in this round
				continue;
			}
			if (key.attachment() instanceof PendingConnection connection) {
				advance(connection, pending);
			}
			else {
				accept(key, pending);
			}
		}
		expire(pending);
	}

	/** Accepts what a backlog holds, a round at a time so that the handshakes under way go on meanwhile. */
	private void accept(SelectionKey listener, HeldConnections pending) {
		ServerSocketChannel listening = (ServerSocketChannel) listener.channel();
		// the TLS door's listener carries the door, the Unix socket's nothing
		TlsDoor tls = (TlsDoor) listener.attachment();
		for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
			SocketChannel socket;
			try {
				socket = listening.accept();
			}
			catch (IOException ex) {
				if (listening.isOpen()) {
					logger.warn("Accepting a worker connection on {} failed: {}",
							(tls != null) ? tls.door() : this.server.socketPath(), ex.toString());
					// such as too many open files: do not spin on it
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
				}
				return;
			}
			if (socket == null) {
				return;
			}
			if (pending.size() >= WorkerServer.MAX_PENDING) {
				PendingConnection dropped = pending.removeRandom();
				this.server.refuse(dropped.socket, dropped.door, "dropped for a newer connection, with "
						+ WorkerServer.MAX_PENDING + " waiting for their handshake");
			}
			String door = (tls != null) ? tls.door(socket.socket()) : this.server.socketPath().toString();
			try {
				socket.configureBlocking(false);
				PendingConnection connection = new PendingConnection(socket, door, tls);
				connection.key = socket.register(this.selector, SelectionKey.OP_READ, connection);
				pending.add(connection);
				if (tls == null) {
					advance(connection, pending);
				}
			}
			catch (Throwable ex) {
				this.server.failed(socket, door, null, ex);
			}
		}
	}

	/**
	 * Takes a pending connection as far as the bytes at hand allow: on the Unix socket the challenge out, the answer
	 * in and the proof; on the TLS door, once the header of the peer's first TLS record is in, to a thread for its
	 * TLS handshake.
	 */
	private void advance(PendingConnection connection, HeldConnections pending) {
		ExpectedWorker start = null;
		try {
			if (connection.tls != null) {
				if (connection.socket.read(connection.tlsHeader) < 0) {
					pending.remove(connection);
					this.server.refuse(connection.socket, connection.door,
							"it closed the connection before its TLS handshake");
					return;
				}
				if (connection.tlsHeader.hasRemaining()) {
					return;
				}
				pending.remove(connection);
				if (!TlsDoor.isHandshakeRecord(connection.tlsHeader.array())) {
					// junk need not take a thread
					this.server.refuse(connection.socket, connection.door, "it sent no TLS handshake record");
					return;
				}
				connection.key.cancel();
				connection.socket.configureBlocking(true);
				connection.tls.admit(connection.socket.socket(), connection.tlsHeader.array(), connection.deadline);
				return;
			}
			connection.socket.write(connection.challenge);
			if (connection.challenge.hasRemaining()) {
				connection.key.interestOps(SelectionKey.OP_WRITE);
				return;
			}
			connection.key.interestOps(SelectionKey.OP_READ);
			Frame answer = connection.answer.readFrom(connection.socket);
			if (answer == null) {
				return;
			}
			pending.remove(connection);
			start = this.server.proven(answer, connection.nonce, connection.door);
			if (start == null) {
				WorkerServer.closeQuietly(connection.socket);
				return;
			}
			connection.key.cancel();
			connection.socket.configureBlocking(true);
			this.server.connect(start, new FrameChannel(connection.socket, this.maxFrameBytes), null);
		}
		catch (Throwable ex) {
			pending.remove(connection);
			this.server.failed(connection.socket, connection.door, start, ex);
		}
	}

	private void expire(HeldConnections pending) {
		long now = System.nanoTime();
		for (PendingConnection connection = pending.first(); connection != null
				&& connection.deadline - now <= 0; connection = pending.first()) {
			pending.remove(connection);
			this.server.refuse(connection.socket, connection.door, WorkerServer.notInTime());
		}
	}

	void close() throws IOException {
		this.selector.close();
	}

}

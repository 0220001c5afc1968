package dev.mp.internal.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.MpException;
import dev.mp.internal.launch.PrivateDirectories;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.spi.RemoteAccess;

/**
 * The parent's Unix domain socket, in a private run directory (0700, socket 0600). Every connection must pass the
 * HMAC handshake for a worker the parent is expecting within a few seconds, or it is refused, logged and closed.
 * Nothing listens on a network port unless a remote launcher (Kubernetes pods) starts a worker: then a second door
 * opens, TCP with TLS 1.3, where both sides pin the other's certificate of this run and the same handshake follows.
 * <p>
 * A connection that has not proved itself costs little: one thread accepts on both doors and holds every new
 * connection without blocking, running the Unix socket's handshake itself; a TLS handshake gets one of a few threads
 * only once its peer has sent the header of a TLS handshake record. When too many wait, one of them picked at random
 * is dropped (as a SYN cache does), so that a new one (a worker starting during a flood) gets its turn and a flood
 * cannot time when it is dropped. Until the proof, what a peer claims is logged only as quoted data, and a flood of
 * refusals logs one warning a minute.
 */
public final class WorkerServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkerServer.class);

	/** Longest Unix socket path the kernel takes, less some margin. */
	private static final int MAX_SOCKET_PATH = 100;

	static final long HANDSHAKE_MILLIS = 10_000;

	/** Largest frame a peer may send before it has proved the secret. */
	static final int HANDSHAKE_FRAME_BYTES = 1024;

	/** Connections held by the accepting thread at once, on both doors: each a socket and a few hundred bytes. */
	public static final int MAX_PENDING = 256;

	/** Connections a door accepts before the accepting thread turns to those it holds again. */
	private static final int ACCEPTS_PER_ROUND = 64;

	/** Characters of unproven input (a claimed worker id, an error) that a log line shows. */
	private static final int MAX_LOGGED_CHARS = 200;

	private final Path directory;

	private final Path socketPath;

	private final ServerSocketChannel server;

	private final Selector selector;

	private final Map<String, ExpectedWorker> expected = new ConcurrentHashMap<>();

	private final int maxFrameBytes;

	private final ScheduledExecutorService scheduler;

	private final RefusalWarnings refusals = new RefusalWarnings();

	/** The connections the accepting thread holds; only that thread changes it. */
	private final HeldConnections held = new HeldConnections();

	/** Makes the threads that hand proven connections over: a test's may fail to start, as with no memory left. */
	private volatile ThreadFactory connectedThreads = (task) -> {
		Thread thread = new Thread(task, "mp-connected");
		thread.setDaemon(true);
		return thread;
	};

	/** The TLS door for remote workers, once one is launched; guarded by {@code this}. */
	private TlsDoor tls;

	public WorkerServer(Path baseDirectory, int maxFrameBytes, ScheduledExecutorService scheduler) throws IOException {
		this.maxFrameBytes = maxFrameBytes;
		this.scheduler = scheduler;
		Path base = (baseDirectory.toString().length() > MAX_SOCKET_PATH - 30) ? Path.of("/tmp") : baseDirectory;
		this.directory = PrivateDirectories.create(base, "mp-");
		this.socketPath = this.directory.resolve("workers.sock");
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(this.socketPath));
		Files.setPosixFilePermissions(this.socketPath, PosixFilePermissions.fromString("rw-------"));
		this.server.configureBlocking(false);
		this.selector = Selector.open();
		this.server.register(this.selector, SelectionKey.OP_ACCEPT);
		Thread acceptor = new Thread(this::acceptLoop, "mp-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public Path socketPath() {
		return this.socketPath;
	}

	/** Where the run directory is, short enough a path for Unix sockets: for other private directories of this JVM. */
	public Path baseDirectory() {
		return this.directory.getParent();
	}

	public void expect(String workerId, ExpectedWorker start) {
		this.expected.put(workerId, start);
	}

	public void forget(String workerId) {
		this.expected.remove(workerId);
	}

	/** For tests: threads to hand proven connections over. */
	public void connectedThreads(ThreadFactory threads) {
		this.connectedThreads = threads;
	}

	/** Connections that have not proved themselves yet, held or in a TLS handshake: for tests. */
	public int unproven() {
		TlsDoor door;
		synchronized (this) {
			door = this.tls;
		}
		return this.held.size() + ((door != null) ? door.handshaking() : 0);
	}

	/**
	 * Where remote workers of this run connect, opening the TLS listener on first use. Every remote launcher of this
	 * server shares it (the first one's address wins).
	 * @throws MpException if the port cannot be opened
	 */
	public synchronized RemoteEndpoint remoteEndpoint(RemoteAccess access) {
		if (this.tls == null) {
			try {
				this.tls = new TlsDoor(access, this, this.selector, this.scheduler, this.maxFrameBytes);
			}
			catch (IOException | RuntimeException ex) {
				throw new MpException("Cannot listen for remote workers on " + access.bindAddress() + ":"
						+ access.port() + ": " + ex, ex);
			}
		}
		return this.tls.endpoint();
	}

	/**
	 * Accepts connections on both doors and holds them, on this one thread and without blocking, until they prove
	 * themselves (the Unix socket's handshake runs here) or begin their TLS handshake (which then gets a thread).
	 */
	private void acceptLoop() {
		HeldConnections pending = this.held;
		try {
			while (this.server.isOpen()) {
				try {
					round(pending);
				}
				catch (RuntimeException | Error ex) {
					if (!this.server.isOpen()) {
						// closed meanwhile: the selector too
						return;
					}
					// each connection's step catches its own, so this is the loop's: going on is all that helps
					logger.error("mp's worker socket {} failed to accept or hold connections: {}", this.socketPath,
							ex.toString(), ex);
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
				}
			}
		}
		catch (IOException ex) {
			if (this.server.isOpen()) {
				logger.error("mp's worker socket {} stopped accepting connections: {}", this.socketPath, ex.toString());
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
		ServerSocketChannel server = (ServerSocketChannel) listener.channel();
		// the TLS door's listener carries the door, the Unix socket's nothing
		TlsDoor tls = (TlsDoor) listener.attachment();
		for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
			SocketChannel socket;
			try {
				socket = server.accept();
			}
			catch (IOException ex) {
				if (server.isOpen()) {
					logger.warn("Accepting a worker connection on {} failed: {}",
							(tls != null) ? tls.door() : this.socketPath, ex.toString());
					// such as too many open files: do not spin on it
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
				}
				return;
			}
			if (socket == null) {
				return;
			}
			if (pending.size() >= MAX_PENDING) {
				PendingConnection dropped = pending.removeRandom();
				refuse(dropped.socket, dropped.door,
						"dropped for a newer connection, with " + MAX_PENDING + " waiting for their handshake");
			}
			String door = (tls != null) ? tls.door(socket.socket()) : this.socketPath.toString();
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
				failed(socket, door, null, ex);
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
					refuse(connection.socket, connection.door, "it closed the connection before its TLS handshake");
					return;
				}
				if (connection.tlsHeader.hasRemaining()) {
					return;
				}
				pending.remove(connection);
				if (!TlsDoor.isHandshakeRecord(connection.tlsHeader.array())) {
					// junk need not take a thread
					refuse(connection.socket, connection.door, "it sent no TLS handshake record");
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
			start = proven(answer, connection.nonce, connection.door);
			if (start == null) {
				closeQuietly(connection.socket);
				return;
			}
			connection.key.cancel();
			connection.socket.configureBlocking(true);
			connect(start, new FrameChannel(connection.socket, this.maxFrameBytes), null);
		}
		catch (Throwable ex) {
			pending.remove(connection);
			failed(connection.socket, connection.door, start, ex);
		}
	}

	private void expire(HeldConnections pending) {
		long now = System.nanoTime();
		for (PendingConnection connection = pending.first(); connection != null
				&& connection.deadline - now <= 0; connection = pending.first()) {
			pending.remove(connection);
			refuse(connection.socket, connection.door, notInTime());
		}
	}

	/**
	 * The start of the expected worker that a HELLO answer proves to be, expected no more; or {@code null}, refused
	 * and logged, if it proves none. Until the proof the worker id is only a claim, so it is logged quoted, as data.
	 * @throws dev.mp.internal.wire.ProtocolException if the HELLO is malformed
	 */
	@Nullable ExpectedWorker proven(Frame answer, byte[] nonce, String door) {
		if (answer.type() != FrameType.HELLO) {
			refused(door, "it sent " + answer.type() + " rather than HELLO");
			return null;
		}
		Handshake.Hello hello = Handshake.parseHello(answer.payload());
		ExpectedWorker start = this.expected.get(hello.workerId());
		if (start == null || !Handshake.verify(start.secret(), nonce, hello.workerId(), hello.proof())
				|| !this.expected.remove(hello.workerId(), start)) {
			refused(door, "it did not prove the secret of an expected worker (it claimed to be \""
					+ printable(hello.workerId()) + "\")");
			return null;
		}
		return start;
	}

	/**
	 * Hands a proven connection to its worker on a thread of its own, since what waits for the worker runs there.
	 * Nothing is handed over if the thread cannot start: the caller then closes the connection and fails the worker.
	 * @param pingInterval how often to ping the worker, or {@code null}
	 */
	void connect(ExpectedWorker start, FrameChannel channel, @Nullable Duration pingInterval) {
		this.connectedThreads.newThread(() -> {
			if (pingInterval != null) {
				ping(channel, pingInterval);
			}
			start.connected(channel);
		}).start();
	}

	/** Shows a remote worker that the parent is still there, until the connection fails (a worker gone). */
	private void ping(FrameChannel channel, Duration interval) {
		ScheduledFuture<?>[] pings = new ScheduledFuture<?>[1];
		pings[0] = this.scheduler.scheduleAtFixedRate(() -> {
			try {
				channel.write(Frame.of(FrameType.PING, 0));
			}
			catch (IOException | RuntimeException ex) {
				pings[0].cancel(false);
			}
		}, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Closes a connection that did not prove itself, and logs why. */
	void refuse(Closeable connection, String door, String why) {
		closeQuietly(connection);
		refused(door, why);
	}

	/**
	 * A connection's step failed: the connection is closed, and the worker it proved to be, expected no more, fails
	 * to start now rather than when its start times out.
	 * @param start the start of the worker it proved to be, or {@code null}
	 */
	void failed(Closeable connection, String door, @Nullable ExpectedWorker start, Throwable ex) {
		if (start != null) {
			closeQuietly(connection);
			logger.error("Could not take the connection of a worker that proved itself on {}: {}", door, ex.toString(),
					ex);
			start.connectionFailed(ex);
		}
		else if (ex instanceof Error) {
			// such as no memory for a thread: worth more than a refusal's rate-limited warning
			closeQuietly(connection);
			logger.error("Could not go on with a connection to mp's worker socket {}: {}", door, ex.toString(), ex);
		}
		else {
			refuse(connection, door, printable(ex.toString()));
		}
	}

	private void refused(String door, String why) {
		int since = this.refusals.warning(System.nanoTime());
		if (since < 0) {
			logger.debug("Refused a connection to mp's worker socket {}: {}", door, why);
		}
		else {
			logger.warn("Refused a connection to mp's worker socket {}: {}{}", door, why, (since > 0)
					? " (" + since + " more since the last such warning, logged at debug level)" : "");
		}
	}

	static String notInTime() {
		return "it did not prove itself within " + HANDSHAKE_MILLIS / 1000 + " s";
	}

	/**
	 * Input from a peer that has not proved itself, fit for a log line: control and non-ASCII characters escaped (no
	 * line of its own, no terminal escapes), and cut short.
	 */
	public static String printable(String text) {
		StringBuilder printable = new StringBuilder();
		int shown = 0;
		for (; shown < text.length() && printable.length() < MAX_LOGGED_CHARS; shown++) {
			char c = text.charAt(shown);
			if (c == '\\' || c == '"') {
				printable.append('\\').append(c);
			}
			else if (c >= ' ' && c < 0x7f) {
				printable.append(c);
			}
			else {
				printable.append(String.format("\\u%04x", (int) c));
			}
		}
		return (shown == text.length()) ? printable.toString()
				: printable.append("... (").append(text.length()).append(" chars)").toString();
	}

	static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	@Override
	public void close() {
		synchronized (this) {
			if (this.tls != null) {
				this.tls.close();
			}
		}
		try {
			this.server.close();
			this.selector.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close the worker socket: {}", ex.toString());
		}
		PrivateDirectories.delete(this.directory);
	}

}

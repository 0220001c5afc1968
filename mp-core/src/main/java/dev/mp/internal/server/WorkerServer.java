package dev.mp.internal.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

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
 * A connection that has not proved itself costs little: one thread (the {@link HandshakeSelector}) accepts on both
 * doors and holds every new connection without blocking, running the Unix socket's handshake itself; a TLS handshake
 * gets one of a few threads only once its peer has sent the header of a TLS handshake record. When too many wait, one
 * of them picked at random is dropped (as a SYN cache does), so that a new one (a worker starting during a flood) gets
 * its turn and a flood cannot time when it is dropped. Until the proof, what a peer claims is logged only as quoted
 * data, and a flood of refusals logs one warning a minute; this server proves the claims, hands proven connections
 * over, and refuses and logs the rest.
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

	/** Characters of unproven input (a claimed worker id, an error) that a log line shows. */
	private static final int MAX_LOGGED_CHARS = 200;

	private final Path directory;

	private final Path socketPath;

	private final ServerSocketChannel server;

	private final Map<String, ExpectedWorker> expected = new ConcurrentHashMap<>();

	private final int maxFrameBytes;

	private final ScheduledExecutorService scheduler;

	private final RefusalWarnings refusals = new RefusalWarnings();

	/** The accepting thread, which holds connections on both doors until they prove themselves. */
	private final HandshakeSelector handshakes;

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
		this.handshakes = new HandshakeSelector(this, this.server, maxFrameBytes);
		this.handshakes.start();
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
		return this.handshakes.held() + ((door != null) ? door.handshaking() : 0);
	}

	/**
	 * Where remote workers of this run connect, opening the TLS listener on first use. Every remote launcher of this
	 * server shares it (the first one's address wins).
	 * @throws MpException if the port cannot be opened
	 */
	public synchronized RemoteEndpoint remoteEndpoint(RemoteAccess access) {
		if (this.tls == null) {
			try {
				this.tls = new TlsDoor(access, this, this.handshakes.selector(), this.scheduler, this.maxFrameBytes);
			}
			catch (IOException | RuntimeException ex) {
				throw new MpException("Cannot listen for remote workers on " + access.bindAddress() + ":"
						+ access.port() + ": " + ex, ex);
			}
		}
		return this.tls.endpoint();
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
			this.handshakes.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close the worker socket: {}", ex.toString());
		}
		PrivateDirectories.delete(this.directory);
	}

}

package dev.mp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.launch.PrivateDirectories;
import dev.mp.launch.RemoteAccess;
import dev.mp.launch.RemoteEndpoint;
import dev.mp.wire.Frame;
import dev.mp.wire.FrameChannel;
import dev.mp.wire.FrameType;
import dev.mp.wire.Handshake;
import dev.mp.wire.Tls;

/**
 * The parent's Unix domain socket, in a private run directory (0700, socket 0600). Every connection must pass the
 * HMAC handshake for a worker the parent is expecting within a few seconds, or it is refused, logged and closed.
 * Nothing listens on a network port unless a remote launcher (Kubernetes pods) starts a worker: then a second door
 * opens, TCP with TLS 1.3, where both sides pin the other's certificate of this run and the same handshake follows.
 */
final class WorkerServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkerServer.class);

	/** Longest Unix socket path the kernel takes, less some margin. */
	private static final int MAX_SOCKET_PATH = 100;

	private static final long HANDSHAKE_MILLIS = 10_000;

	/** Largest frame a peer may send before it has proved the secret. */
	private static final int HANDSHAKE_FRAME_BYTES = 1024;

	private final Path directory;

	private final Path socketPath;

	private final ServerSocketChannel server;

	private final Map<String, ChildJvm> expected = new ConcurrentHashMap<>();

	private final int maxFrameBytes;

	private final ScheduledExecutorService scheduler;

	/** The TLS door for remote workers, once one is launched; guarded by {@code this}. */
	private TlsDoor tls;

	WorkerServer(Path baseDirectory, int maxFrameBytes, ScheduledExecutorService scheduler) throws IOException {
		this.maxFrameBytes = maxFrameBytes;
		this.scheduler = scheduler;
		Path base = (baseDirectory.toString().length() > MAX_SOCKET_PATH - 30) ? Path.of("/tmp") : baseDirectory;
		this.directory = PrivateDirectories.create(base, "mp-");
		this.socketPath = this.directory.resolve("workers.sock");
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(this.socketPath));
		Files.setPosixFilePermissions(this.socketPath, PosixFilePermissions.fromString("rw-------"));
		Thread acceptor = new Thread(this::acceptLoop, "mp-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	Path socketPath() {
		return this.socketPath;
	}

	/** Where the run directory is, short enough a path for Unix sockets: for other private directories of this JVM. */
	Path baseDirectory() {
		return this.directory.getParent();
	}

	void expect(String workerId, ChildJvm child) {
		this.expected.put(workerId, child);
	}

	void forget(String workerId) {
		this.expected.remove(workerId);
	}

	/**
	 * Where remote workers of this run connect, opening the TLS listener on first use. Every remote launcher of this
	 * server shares it (the first one's address wins).
	 * @throws MpException if the port cannot be opened
	 */
	synchronized RemoteEndpoint remoteEndpoint(RemoteAccess access) {
		if (this.tls == null) {
			try {
				this.tls = new TlsDoor(access);
			}
			catch (IOException ex) {
				throw new MpException("Cannot listen for remote workers on " + access.bindAddress() + ":"
						+ access.port() + ": " + ex, ex);
			}
		}
		return this.tls.endpoint;
	}

	private void acceptLoop() {
		while (this.server.isOpen()) {
			try {
				SocketChannel socket = this.server.accept();
				Thread handshake = new Thread(() -> handshake(new FrameChannel(socket, HANDSHAKE_FRAME_BYTES),
						this.socketPath.toString(), null), "mp-handshake");
				handshake.setDaemon(true);
				handshake.start();
			}
			catch (IOException ex) {
				if (this.server.isOpen()) {
					logger.warn("Accepting a worker connection on {} failed: {}", this.socketPath, ex.toString());
					// such as too many open files: do not spin on it
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
				}
			}
		}
	}

	/**
	 * Runs the HMAC handshake on a new connection and hands it to the worker it proves to be.
	 * @param door where it came in, for logs
	 * @param pingInterval how often to ping the worker once connected, or {@code null}
	 */
	private void handshake(FrameChannel channel, String door, Duration pingInterval) {
		ScheduledFuture<?> deadline = null;
		try {
			deadline = this.scheduler.schedule(() -> closeQuietly(channel), HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS);
			byte[] nonce = Handshake.randomBytes();
			channel.write(new Frame(FrameType.HELLO, 0, nonce));
			Frame answer = channel.read();
			if (answer == null || answer.type() != FrameType.HELLO) {
				refuse(channel, door, "it sent no HELLO");
				return;
			}
			Handshake.Hello hello = Handshake.parseHello(answer.payload());
			ChildJvm child = this.expected.get(hello.workerId());
			if (child == null || !Handshake.verify(child.secret(), nonce, hello.workerId(), hello.proof())) {
				refuse(channel, door, "it did not prove the secret of an expected worker (claimed id '" + hello.workerId()
						+ "')");
				return;
			}
			this.expected.remove(hello.workerId(), child);
			deadline.cancel(false);
			channel.limit(this.maxFrameBytes);
			if (pingInterval != null) {
				ping(channel, pingInterval);
			}
			child.connected(channel);
		}
		catch (IOException | RuntimeException ex) {
			if (deadline != null) {
				deadline.cancel(false);
			}
			refuse(channel, door, ex.toString());
		}
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

	private void refuse(FrameChannel channel, String door, String why) {
		logger.warn("Refused a connection to mp's worker socket {}: {}", door, why);
		closeQuietly(channel);
	}

	/**
	 * The TLS listener: the parent presents a certificate made for this run and accepts only clients presenting the
	 * workers' certificate of this run; the HMAC handshake then says which expected worker it is.
	 */
	private final class TlsDoor {

		private final SSLServerSocket socket;

		private final RemoteEndpoint endpoint;

		private final Duration pingInterval;

		private final String door;

		TlsDoor(RemoteAccess access) throws IOException {
			Duration validity = Duration.ofDays(3650);
			Tls.Identity parent = Tls.selfSigned("mp parent", validity);
			Tls.Identity workers = Tls.selfSigned("mp worker", validity);
			this.socket = (SSLServerSocket) Tls.context(parent, workers.fingerprint())
				.getServerSocketFactory()
				.createServerSocket();
			this.socket.setEnabledProtocols(Tls.protocols());
			this.socket.setNeedClientAuth(true);
			this.socket.bind(new InetSocketAddress(InetAddress.getByName(access.bindAddress()), access.port()));
			int port = this.socket.getLocalPort();
			this.endpoint = new RemoteEndpoint(access.advertisedHost(), port, parent.fingerprint(),
					workers.certificateBytes(), workers.keyBytes(), access.disconnectGrace());
			this.pingInterval = access.pingInterval();
			this.door = "tls://" + access.bindAddress() + ":" + port;
			logger.info("Listening for remote workers on {} (TLS, certificate sha256 {})", this.door,
					parent.fingerprint());
			Thread acceptor = new Thread(this::acceptLoop, "mp-accept-tls");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		private void acceptLoop() {
			while (!this.socket.isClosed()) {
				try {
					SSLSocket client = (SSLSocket) this.socket.accept();
					Thread handshake = new Thread(() -> handshake(client), "mp-handshake-tls");
					handshake.setDaemon(true);
					handshake.start();
				}
				catch (IOException ex) {
					if (!this.socket.isClosed()) {
						logger.warn("Accepting a worker connection on {} failed: {}", this.door, ex.toString());
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
					}
				}
			}
		}

		private void handshake(SSLSocket client) {
			try {
				client.setSoTimeout((int) HANDSHAKE_MILLIS);
				client.setTcpNoDelay(true);
				client.setKeepAlive(true);
				client.startHandshake();
				client.setSoTimeout(0);
			}
			catch (IOException ex) {
				logger.warn("Refused a connection to mp's worker socket {} from {}: TLS failed: {}", this.door,
						client.getRemoteSocketAddress(), ex.toString());
				closeQuietly(client);
				return;
			}
			try {
				WorkerServer.this.handshake(new FrameChannel(client.getInputStream(), client.getOutputStream(),
						client, HANDSHAKE_FRAME_BYTES), this.door, this.pingInterval);
			}
			catch (IOException ex) {
				closeQuietly(client);
			}
		}

		void close() {
			closeQuietly(this.socket);
		}

	}

	private static void closeQuietly(Closeable closeable) {
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
			Files.deleteIfExists(this.socketPath);
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			logger.warn("Could not remove mp's run directory {}: {}", this.directory, ex.toString());
		}
	}

}

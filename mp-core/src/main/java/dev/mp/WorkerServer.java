package dev.mp;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.launch.PrivateDirectories;
import dev.mp.wire.Frame;
import dev.mp.wire.FrameChannel;
import dev.mp.wire.FrameType;
import dev.mp.wire.Handshake;

/**
 * The parent's Unix domain socket, in a private run directory (0700, socket 0600). Every connection must pass the
 * HMAC handshake for a worker the parent is expecting within a few seconds, or it is refused, logged and closed.
 * Nothing listens on a network port.
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

	void expect(String workerId, ChildJvm child) {
		this.expected.put(workerId, child);
	}

	void forget(String workerId) {
		this.expected.remove(workerId);
	}

	private void acceptLoop() {
		while (this.server.isOpen()) {
			try {
				SocketChannel socket = this.server.accept();
				Thread handshake = new Thread(() -> handshake(socket), "mp-handshake");
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

	private void handshake(SocketChannel socket) {
		FrameChannel channel = new FrameChannel(socket, HANDSHAKE_FRAME_BYTES);
		ScheduledFuture<?> deadline = null;
		try {
			deadline = this.scheduler.schedule(() -> closeQuietly(channel), HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS);
			byte[] nonce = Handshake.randomBytes();
			channel.write(new Frame(FrameType.HELLO, 0, nonce));
			Frame answer = channel.read();
			if (answer == null || answer.type() != FrameType.HELLO) {
				refuse(channel, "it sent no HELLO");
				return;
			}
			Handshake.Hello hello = Handshake.parseHello(answer.payload());
			ChildJvm child = this.expected.get(hello.workerId());
			if (child == null || !Handshake.verify(child.secret(), nonce, hello.workerId(), hello.proof())) {
				refuse(channel, "it did not prove the secret of an expected worker (claimed id '" + hello.workerId()
						+ "')");
				return;
			}
			this.expected.remove(hello.workerId(), child);
			deadline.cancel(false);
			channel.limit(this.maxFrameBytes);
			child.connected(channel);
		}
		catch (IOException | RuntimeException ex) {
			if (deadline != null) {
				deadline.cancel(false);
			}
			refuse(channel, ex.toString());
		}
	}

	private void refuse(FrameChannel channel, String why) {
		logger.warn("Refused a connection to mp's worker socket {}: {}", this.socketPath, why);
		closeQuietly(channel);
	}

	private static void closeQuietly(FrameChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	@Override
	public void close() {
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

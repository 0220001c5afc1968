package dev.mp.internal.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.Tls;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.spi.RemoteAccess;

/**
 * The TLS listener: the parent presents a certificate made for this run and accepts only clients presenting the
 * workers' certificate of this run; the HMAC handshake then says which expected worker it is. The accepting thread
 * holds a new connection until its peer's first TLS record begins; then, since a TLS handshake blocks, one of a
 * few threads runs it, and a newcomer drops one picked at random when all are taken.
 */
public final class TlsDoor {

	/** Connections in their TLS and HMAC handshakes at once, each on a thread of its own. */
	public static final int MAX_HANDSHAKES = 8;

	/** Bytes of a TLS record's header: content type, version and length. */
	static final int RECORD_HEADER = 5;

	/** The server's: this is one of its doors. */
	private static final Logger logger = LoggerFactory.getLogger(WorkerServer.class);

	private final WorkerServer server;

	private final ScheduledExecutorService scheduler;

	private final int maxFrameBytes;

	private final ServerSocketChannel socket;

	private final SSLSocketFactory tls;

	private final RemoteEndpoint endpoint;

	private final Duration pingInterval;

	private final String door;

	/** The connections in their handshake; guarded by itself. */
	private final List<Socket> handshaking = new ArrayList<>();

	private final ThreadPoolExecutor handshakes;

	/**
	 * Opens the port and registers it with the accepting thread's selector, or closes what it opened.
	 * @param maxFrameBytes the largest frame a proven worker may send
	 */
	TlsDoor(RemoteAccess access, WorkerServer server, Selector selector, ScheduledExecutorService scheduler,
			int maxFrameBytes) throws IOException {
		this.server = server;
		this.scheduler = scheduler;
		this.maxFrameBytes = maxFrameBytes;
		Duration validity = Duration.ofDays(3650);
		Tls.Identity parent = Tls.selfSigned("mp parent", validity);
		Tls.Identity workers = Tls.selfSigned("mp worker", validity);
		this.tls = Tls.context(parent, workers.fingerprint()).getSocketFactory();
		this.handshakes = new ThreadPoolExecutor(MAX_HANDSHAKES, MAX_HANDSHAKES, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "mp-handshake-tls");
					thread.setDaemon(true);
					return thread;
				});
		this.handshakes.allowCoreThreadTimeOut(true);
		// plain TCP first, layered with TLS later, so that closing the socket ends a handshake on another thread
		this.socket = ServerSocketChannel.open();
		try {
			this.socket.bind(new InetSocketAddress(InetAddress.getByName(access.bindAddress()), access.port()));
			int port = ((InetSocketAddress) this.socket.getLocalAddress()).getPort();
			this.endpoint = new RemoteEndpoint(access.advertisedHost(), port, parent.fingerprint(),
					workers.certificateBytes(), workers.keyBytes(), access.disconnectGrace());
			this.door = "tls://" + access.bindAddress() + ":" + port;
			this.socket.configureBlocking(false);
			this.socket.register(selector, SelectionKey.OP_ACCEPT, this);
		}
		catch (IOException | RuntimeException ex) {
			// such as the port taken, or ClosedSelectorException once the server is closed
			close();
			throw ex;
		}
		this.pingInterval = access.pingInterval();
		selector.wakeup();
		logger.info("Listening for remote workers on {} (TLS, certificate sha256 {})", this.door,
				parent.fingerprint());
	}

	/**
	 * Starts the handshake of a connection whose peer has begun its TLS handshake, dropping one in progress,
	 * picked at random, if all places are taken.
	 * @param header what the accepting thread has read of the connection already
	 * @param deadline when the handshake must be done ({@code System.nanoTime()})
	 */
	void admit(Socket client, byte[] header, long deadline) {
		Socket dropped = null;
		synchronized (this.handshaking) {
			if (this.handshaking.size() >= MAX_HANDSHAKES) {
				dropped = this.handshaking.remove(ThreadLocalRandom.current().nextInt(this.handshaking.size()));
			}
			this.handshaking.add(client);
		}
		if (dropped != null) {
			this.server.refuse(dropped, door(dropped),
					"dropped for a newer connection, with " + MAX_HANDSHAKES + " in their handshake");
		}
		try {
			this.handshakes.execute(() -> handshake(client, header, deadline));
		}
		catch (Throwable ex) {
			// the caller closes it
			release(client);
			throw ex;
		}
	}

	/** TLS, then the HMAC handshake, within one deadline; whoever closes the connection first says why. */
	private void handshake(Socket client, byte[] header, long deadlineNanos) {
		String door = door(client);
		ScheduledFuture<?> deadline = this.scheduler.schedule(
				() -> this.server.refuse(client, door, WorkerServer.notInTime()), deadlineNanos - System.nanoTime(),
				TimeUnit.NANOSECONDS);
		ExpectedWorker start = null;
		try {
			client.setTcpNoDelay(true);
			client.setKeepAlive(true);
			// server mode, reading first the bytes the accepting thread took
			SSLSocket secured = (SSLSocket) this.tls.createSocket(client, new ByteArrayInputStream(header), true);
			secured.setNeedClientAuth(true);
			secured.setEnabledProtocols(Tls.protocols());
			secured.startHandshake();
			FrameChannel channel = new FrameChannel(secured.getInputStream(), secured.getOutputStream(), secured,
					WorkerServer.HANDSHAKE_FRAME_BYTES);
			byte[] nonce = Handshake.randomBytes();
			channel.write(new Frame(FrameType.HELLO, 0, nonce));
			Frame answer = channel.read();
			if (answer == null) {
				this.server.refuse(client, door, "it closed the connection before its HELLO");
				return;
			}
			// claimed before the proof takes the worker from those expected: a deadline or a newcomer closing the
			// connection after that would lose the worker for good
			if (!deadline.cancel(false) || !release(client)) {
				// too late, or dropped meanwhile: the connection is closed already
				WorkerServer.closeQuietly(client);
				return;
			}
			start = this.server.proven(answer, nonce, door);
			if (start == null) {
				WorkerServer.closeQuietly(client);
				return;
			}
			channel.limit(this.maxFrameBytes);
			this.server.connect(start, channel, this.pingInterval);
		}
		catch (Throwable ex) {
			if (start != null || !client.isClosed()) {
				this.server.failed(client, door, start, ex);
			}
		}
		finally {
			deadline.cancel(false);
			release(client);
		}
	}

	/** Whether a TLS record's header is that of a handshake record (a ClientHello, from a TLS client). */
	static boolean isHandshakeRecord(byte[] header) {
		return header[0] == 22 && header[1] == 3;
	}

	RemoteEndpoint endpoint() {
		return this.endpoint;
	}

	/** Where it listens, for log lines. */
	String door() {
		return this.door;
	}

	/** Frees a connection's place among those in their handshake: false if it was dropped for a newer one. */
	private boolean release(Socket client) {
		synchronized (this.handshaking) {
			return this.handshaking.remove(client);
		}
	}

	/** Connections in their handshake now. */
	int handshaking() {
		synchronized (this.handshaking) {
			return this.handshaking.size();
		}
	}

	String door(Socket client) {
		return this.door + " from " + client.getRemoteSocketAddress();
	}

	void close() {
		WorkerServer.closeQuietly(this.socket);
		this.handshakes.shutdownNow();
		synchronized (this.handshaking) {
			this.handshaking.forEach(WorkerServer::closeQuietly);
		}
	}

}

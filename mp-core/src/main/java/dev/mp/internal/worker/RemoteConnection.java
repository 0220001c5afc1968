package dev.mp.internal.worker;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLSocket;

import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Tls;

/**
 * A remote worker's connection to its parent: TLS 1.3 to the parent's listener, trusting only the pinned certificate
 * and presenting the worker's own, then the usual HMAC handshake.
 * <p>
 * The worker's runtime reads frames on the thread that runs calls, so while a call runs nobody would read the
 * socket. Here a reader thread of its own does: it answers the parent's pings, hands cancels over at once, notes when
 * the parent was last heard from, and passes every other frame on through an in-process pipe to the runtime, whose
 * answers go straight to the socket. A watch thread ends the worker when the parent has been silent for the disconnect
 * grace (the parent pings more often than that); an ended connection ends it at once.
 */
final class RemoteConnection {

	private static final int CONNECT_MILLIS = 10_000;

	private final RemoteBootstrap bootstrap;

	/** When a frame last came from the parent ({@code System.nanoTime()}), or 0 before the connection. */
	private volatile long lastHeard;

	RemoteConnection(RemoteBootstrap bootstrap) {
		this.bootstrap = bootstrap;
	}

	/** Connects, proves the secret, and starts the reader; the runtime gets the frames a call needs. */
	FrameChannel connect(BootstrapConfig config, LongConsumer cancels) throws IOException {
		SSLSocket socket = (SSLSocket) Tls.context(this.bootstrap.identity(), this.bootstrap.serverFingerprint())
			.getSocketFactory()
			.createSocket();
		try {
			socket.setEnabledProtocols(Tls.protocols());
			socket.connect(new InetSocketAddress(this.bootstrap.host(), this.bootstrap.port()), CONNECT_MILLIS);
			socket.setTcpNoDelay(true);
			socket.setKeepAlive(true);
			socket.startHandshake();
			FrameChannel network = new FrameChannel(socket.getInputStream(), OutputStream.nullOutputStream(), socket,
					config.maxFrameBytes());
			Pipe pipe = Pipe.open();
			OutputStream toRuntime = Channels.newOutputStream(pipe.sink());
			InputStream fromNetwork = Channels.newInputStream(pipe.source());
			Closeable both = () -> {
				try {
					socket.close();
				}
				finally {
					pipe.sink().close();
					pipe.source().close();
				}
			};
			// all writes to the socket go through this one channel, so that frames never interleave
			FrameChannel runtime = new FrameChannel(fromNetwork, socket.getOutputStream(), both,
					config.maxFrameBytes());
			ChildRuntime.proveSecret(network, runtime, config);
			OutputForwarding.install(runtime);
			this.lastHeard = System.nanoTime();
			FrameChannel forward = new FrameChannel(InputStream.nullInputStream(), toRuntime, pipe.sink(),
					config.maxFrameBytes());
			Thread reader = new Thread(() -> pump(network, forward, runtime, cancels), "mp-connection");
			reader.setDaemon(true);
			WorkerHalt.ifItFails(reader);
			reader.start();
			return runtime;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Reads the network: pings and cancels are handled here, the rest goes to the runtime. At the end of the
	 * connection the pipe is closed, which the runtime reads as the parent gone.
	 */
	private void pump(FrameChannel network, FrameChannel forward, FrameChannel runtime, LongConsumer cancels) {
		try {
			Frame frame;
			while ((frame = network.read()) != null) {
				this.lastHeard = System.nanoTime();
				switch (frame.type()) {
					case PING -> runtime.write(Frame.of(FrameType.PONG, frame.correlationId()));
					case CANCEL -> cancels.accept(frame.correlationId());
					default -> forward.write(frame);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the end of the connection, told to the runtime below
		}
		finally {
			try {
				forward.close();
			}
			catch (IOException ex) {
				// the runtime sees the end anyway
			}
		}
	}

	/**
	 * Starts the thread that ends the worker when the parent has been silent for the disconnect grace; interrupting it
	 * stops it (the runtime does at an orderly exit).
	 */
	Thread startWatch() {
		long grace = this.bootstrap.disconnectGrace().toNanos();
		Thread watch = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				long heard = this.lastHeard;
				long wait = (heard == 0) ? grace : heard + grace - System.nanoTime();
				if (heard != 0 && wait <= 0) {
					ParentWatch.parentGone("no word from the parent for " + this.bootstrap.disconnectGrace());
				}
				LockSupport.parkNanos(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(10)));
			}
		}, "mp-parent-watch");
		watch.setDaemon(true);
		WorkerHalt.ifItFails(watch);
		watch.start();
		return watch;
	}

}

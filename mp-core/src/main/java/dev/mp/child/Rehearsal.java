package dev.mp.child;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.mp.wire.Frame;
import dev.mp.wire.FrameChannel;
import dev.mp.wire.FrameType;
import dev.mp.wire.Handshake;
import dev.mp.wire.Payload;
import dev.mp.wire.PlainValues;

/**
 * What a training child (see {@link WorkerMain#TRAIN_PROPERTY}) does after its bootstrap and before it exits, so that
 * its class-data archive also holds the classes of a worker's way to ready: a Unix-socket connect (whose first use
 * loads and seeds the JDK's {@code SecureRandom} and looks up the selector provider), a frame each way, the handshake's
 * HMAC, a JDK-serialization round trip like a first call's, and a compact one (a task lambda rebuilt, run, and its
 * plain result written and read, as most calls to a pool worker go). It talks to a socket of its own, never to the
 * parent.
 */
final class Rehearsal {

	private Rehearsal() {
	}

	/** Runs the rehearsal; a failure only makes the archive smaller, so it is reported and ignored. */
	static void run(BootstrapConfig config) {
		Path directory = null;
		try {
			directory = Files.createTempDirectory("mp-training-");
			UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("s"));
			try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
				server.bind(address);
				try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
					client.connect(address);
					try (SocketChannel accepted = server.accept()) {
						FrameChannel parent = new FrameChannel(accepted, config.maxFrameBytes());
						FrameChannel child = new FrameChannel(client, config.maxFrameBytes());
						byte[] nonce = new byte[Handshake.SIZE];
						parent.write(new Frame(FrameType.HELLO, 0, nonce));
						Frame challenge = child.read();
						byte[] proof = Handshake.proof(config.secret(), challenge.payload(), config.workerId());
						child.write(new Frame(FrameType.HELLO, 0, Handshake.hello(config.workerId(), proof)));
						Handshake.parseHello(parent.read().payload());
					}
				}
			}
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
				out.writeObject(new TaskInvocation((Callable<Object> & Serializable) () -> null, "rehearsal"));
			}
			try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
				in.readObject();
			}
			String captured = "rehearsal";
			Payload compact = CompactCalls.encodeTask((Callable<Object> & Serializable) () -> captured.length(),
					"rehearsal", config.maxFrameBytes());
			if (compact != null) {
				Object value = new CompactCalls(Rehearsal.class.getClassLoader()).decode(compact.bytes()).invoke(null);
				PlainValues.decode(PlainValues.encode(value));
			}
		}
		catch (Throwable ex) {
			System.err.println("mp training: the rehearsal of a worker's start failed, the archive will be smaller: " + ex);
		}
		finally {
			if (directory != null) {
				try {
					Files.deleteIfExists(directory.resolve("s"));
					Files.deleteIfExists(directory);
				}
				catch (IOException ex) {
					// a temporary directory left behind
				}
			}
		}
	}

}

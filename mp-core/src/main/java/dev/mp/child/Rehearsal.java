package dev.mp.child;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.mp.sync.CallMailbox;
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

	/** A small mailbox: what is rehearsed is its code, not its size. */
	private static final int MAILBOX_BYTES = 4096;

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
			rehearseMailbox(directory, config);
		}
		catch (Throwable ex) {
			System.err.println("mp training: the rehearsal of a worker's start failed, the archive will be smaller: " + ex);
		}
		finally {
			if (directory != null) {
				try (Stream<Path> files = Files.list(directory)) {
					for (Path file : files.toList()) {
						Files.deleteIfExists(file);
					}
					Files.deleteIfExists(directory);
				}
				catch (IOException ex) {
					// a temporary directory left behind
				}
			}
		}
	}

	/**
	 * A worker's mailbox, mapped and used as a worker uses it: the first use builds the VarHandles over shared memory
	 * (tens of milliseconds of method-handle set-up when none is archived), and a staged answer makes a file, writes
	 * a plain value into it in place, and a staged call is read from memory off the heap.
	 */
	private static void rehearseMailbox(Path directory, BootstrapConfig config) throws Throwable {
		Path file = directory.resolve("call");
		Files.write(file, new byte[MAILBOX_BYTES]);
		CallMailbox mailbox = CallMailbox.open(file);
		mailbox.announceMapped();
		mailbox.openInbox();
		mailbox.awaitCall(0, 0);
		Frame staged = mailbox.stage(FrameType.PLAIN_RESULT, 1, Payload.plain(new byte[MAILBOX_BYTES]),
				config.maxFrameBytes());
		mailbox.answer((staged != null) ? staged : Frame.of(FrameType.PLAIN_RESULT, 1), 0);
		String captured = "staged";
		Payload call = CompactCalls.encodeTask((Callable<Object> & Serializable) () -> captured.length(), "staged",
				config.maxFrameBytes());
		if (call != null) {
			ByteBuffer offHeap = ByteBuffer.allocateDirect((int) call.size());
			call.writeTo(offHeap);
			new CompactCalls(Rehearsal.class.getClassLoader()).decode(offHeap.flip()).invoke(null);
		}
	}

}

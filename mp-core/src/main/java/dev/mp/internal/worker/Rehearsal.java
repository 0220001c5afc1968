package dev.mp.internal.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CompactCalls;
import dev.mp.internal.call.TaskInvocation;
import dev.mp.internal.mailbox.CallMailbox;
import dev.mp.internal.transport.CallTransport;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.Payload;
import dev.mp.spi.Codec;

/**
 * The parent a training child (see {@link WorkerMain#TRAIN_PROPERTY}) talks to, played by a thread of that child on a
 * socket of its own: the child's runtime goes a worker's real way, so that the class-data archive it records holds
 * every class (and every lambda, which would otherwise be spun at each start) of the way to ready and of the first
 * calls: the Unix-socket connect (whose first use loads and seeds the JDK's {@code SecureRandom}), the handshake, a
 * call through the worker's codec (in the JDK codec's form: a training child never builds the fast one) with an answer
 * through it read back, a compact call with a plain answer, a ping, the mailbox mapped, and the shutdown that ends the
 * child with exit code 0. It never talks to the real parent. Its socket and files are in a private directory the real
 * parent made and deletes once the child has ended, however it ended.
 */
final class Rehearsal {

	/** A small mailbox: what is rehearsed is its code, not its size. */
	private static final int MAILBOX_BYTES = 4096;

	/** How long the runtime looks at its mailbox after an answer: long enough to go that way, no longer. */
	private static final long SPIN_NANOS = 1_000;

	private Rehearsal() {
	}

	/**
	 * Binds the rehearsal's socket in {@code directory} and starts the thread that plays the parent on it.
	 * @param codec the worker's codec, which the played parent uses too
	 * @return the bootstrap block for the training child's runtime: {@code config} reaching that socket, with a mailbox
	 * of its own and the briefest look at it after each answer (as a pool worker), not one-shot
	 * @throws IOException if the socket or the mailbox cannot be made (the training then fails: an archive without
	 * the way to ready would be used as if it had it)
	 */
	static BootstrapConfig begin(BootstrapConfig config, Path directory, Codec codec) throws IOException {
		Path socket = directory.resolve("s");
		Path mailbox = directory.resolve("call");
		Files.write(mailbox, new byte[MAILBOX_BYTES]);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(socket));
		Thread parent = new Thread(() -> play(server, directory, config, codec), "mp-training-parent");
		parent.setDaemon(true);
		parent.start();
		return new BootstrapConfig(config.workerId(), config.name(), config.secret(), socket.toString(),
				config.parentPid(), config.mode(), config.maxFrameBytes(), WorkerEnd.ON_SHUTDOWN, config.attributes(),
				config.secretAttributes(), mailbox.toString(), SPIN_NANOS, config.codec(), 0);
	}

	/** Plays the parent; a failed step only makes the archive smaller, so it is reported and the child shut down. */
	private static void play(ServerSocketChannel server, Path directory, BootstrapConfig config, Codec codec) {
		try (server; SocketChannel accepted = server.accept()) {
			FrameChannel child = new FrameChannel(accepted, config.maxFrameBytes());
			try {
				handshake(child, config);
				calls(child, config.maxFrameBytes(), codec);
				rehearseMailbox(directory, config, codec);
			}
			catch (Throwable ex) {
				System.err.println("mp training: the rehearsal of a worker's start failed, the archive will be "
						+ "smaller: " + ex);
			}
			child.write(Frame.of(FrameType.SHUTDOWN, 0));
			// the child exits on the shutdown; until then its end of the socket must stay open
			child.read();
		}
		catch (IOException ex) {
			System.err.println("mp training: the rehearsal's socket failed: " + ex);
		}
	}

	private static void handshake(FrameChannel child, BootstrapConfig config) throws IOException {
		// a zero nonce: the parent's secure random generator would only make the archive larger
		byte[] nonce = new byte[Handshake.SIZE];
		child.write(new Frame(FrameType.HELLO, 0, nonce));
		Handshake.Hello hello = Handshake.parseHello(child.read().payload());
		if (!Handshake.verify(config.secret(), nonce, hello.workerId(), hello.proof())) {
			throw new IOException("the training child did not prove its secret");
		}
	}

	/** A call as the codec sends it, answered with a value the codec must write and read; a compact one; a ping. */
	private static void calls(FrameChannel child, int maxFrameBytes, Codec codec) throws IOException {
		Payload serialized = Payload.of(codec.encode(new TaskInvocation(
				(Callable<Object> & Serializable) () -> new ArrayList<>(List.of("rehearsal")), "rehearsal")));
		CallTransport.sendCall(child, null, FrameType.CALL, 1, serialized, maxFrameBytes);
		codec.decode(expect(child, FrameType.RESULT).payload(), Thread.currentThread().getContextClassLoader());
		String captured = "rehearsal";
		CallRequest compact = CompactCalls.encodeTask((Callable<Object> & Serializable) () -> captured.length(),
				"rehearsal", maxFrameBytes, null);
		if (compact != null) {
			CallTransport.sendCall(child, null, FrameType.COMPACT_CALL, 2, compact.payload(), maxFrameBytes);
			expect(child, FrameType.PLAIN_RESULT);
		}
		child.write(Frame.of(FrameType.PING, 3));
		expect(child, FrameType.PONG);
	}

	private static Frame expect(FrameChannel child, FrameType type) throws IOException {
		Frame answer = child.read();
		while (answer != null && answer.type() == FrameType.CODEC_BUILT) {
			answer = child.read();
		}
		if (answer == null || answer.type() != type) {
			throw new IOException("the training child answered " + ((answer != null) ? answer.type() : "nothing")
					+ " where " + type + " was due");
		}
		return answer;
	}

	/**
	 * What the runtime's own mailbox does not meet here, where nobody posts: a staged answer makes a file and writes a
	 * plain value into it in place, and a staged call is read from memory off the heap.
	 */
	private static void rehearseMailbox(Path directory, BootstrapConfig config, Codec codec) throws Throwable {
		Path file = directory.resolve("staging");
		Files.write(file, new byte[MAILBOX_BYTES]);
		CallMailbox mailbox = CallMailbox.open(file);
		mailbox.announceMapped();
		// as a worker answers, then looks for its next call; nobody looks at this outbox, nor reads this socket
		InputStream none = InputStream.nullInputStream();
		FrameChannel nowhere = new FrameChannel(none, OutputStream.nullOutputStream(), none, config.maxFrameBytes());
		CallTransport.sendAnswer(nowhere, mailbox, FrameType.PLAIN_RESULT, 1, Payload.plain(new byte[MAILBOX_BYTES]),
				config.maxFrameBytes(), 0);
		mailbox.awaitCall(0, 0);
		String captured = "staged";
		CallRequest call = CompactCalls.encodeTask((Callable<Object> & Serializable) () -> captured.length(), "staged",
				config.maxFrameBytes(), null);
		if (call != null) {
			ByteBuffer offHeap = ByteBuffer.allocateDirect((int) call.payload().size());
			call.payload().writeTo(offHeap);
			new CompactCalls(Rehearsal.class.getClassLoader(), codec).decode(offHeap.flip()).invoke(null);
		}
	}

}

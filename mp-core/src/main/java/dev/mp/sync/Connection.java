package dev.mp.sync;

import java.io.IOException;
import java.io.Serial;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.shm.SharedMemory;

/**
 * One end of a {@link Pipe}, like the connection objects of Python's {@code multiprocessing.Pipe()}: what is sent on
 * one end is received on the other, in order. Pass an end to another process (as an argument, a task, or in a queue)
 * and both processes use the same pipe.
 *
 * <p>Each end that receives owns a ring of shared memory, which the other end writes into: sending waits only while
 * that ring is full, and a message larger than the ring is streamed through it while the receiver takes it. Messages
 * are encoded as in {@link ProcessQueue}; {@code null} may be sent, as Python sends {@code None}.
 *
 * <p><b>End of file.</b> The pipe ends, as Python's does when every copy of one end is closed, once no live process
 * holds one of its ends: the process that made the pipe holds both, and one that receives an end holds it until it
 * closes it, drops it (once it is garbage-collected) or exits, killed or not. The other end then still receives what
 * was sent; after that {@link #recv} throws {@link PipeClosedException} (Python's {@code EOFError}) and {@link #poll}
 * returns {@code true}. Sending throws it at once (Python's {@code BrokenPipeError}). A waiting receiver notices a
 * killed holder within about 20 ms. As in Python, a process that passes an end on holds it until it closes its own
 * copy; in the process that made the pipe, close it once the receiver has it (after a first message from it, say),
 * since closing there removes the end's memory. An end on its way to another process counts as held there once it
 * arrives, so closing every other copy meanwhile ends the pipe.
 *
 * <p>A process killed while it sends or receives a message may break the pipe, as in Python; calls on it then throw
 * {@link IllegalStateException}.
 *
 * @param <E> the type of the messages
 */
public final class Connection<E> extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	/** Shared memory of an end that only sends: a placeholder, since it has nothing to receive. */
	private static final int SEND_ONLY_BYTES = 64;

	/** Whether this is the pipe's first end, whose memory also counts who holds either end. */
	private final boolean first;

	private final boolean readable;

	private final boolean writable;

	/** The file of the end this one sends to, whose ring it writes into; set once, before either end is used. */
	private String peerFile;

	private transient SharedRing inbox;

	private transient SharedRing outbox;

	/** Why {@link #outbox} could not be mapped in this process, for the first send to report. */
	private transient String outboxProblem;

	private transient MessageCodec codec;

	/** Who holds the pipe's ends; {@code null} where the first end's memory was gone before this end arrived. */
	private transient @Nullable PipeHolders holders;

	/** This process's hold on this end, given back on close. */
	private transient Cleaner.@Nullable Cleanable hold;

	private transient volatile boolean closed;

	Connection(SharedObjects owner, boolean first, boolean readable, boolean writable, int capacityBytes) {
		super(owner, owner.allocate(readable ? "pipe" : "pipe-send", bytesFor(first, readable, capacityBytes)));
		this.first = first;
		this.readable = readable;
		this.writable = writable;
		if (readable) {
			RingLayout.format(memory(), RingLayout.capacityFor(capacityBytes), 0, false);
		}
		this.codec = new MessageCodec(this);
	}

	private static int bytesFor(boolean first, boolean readable, int capacityBytes) {
		if (!readable) {
			return SEND_ONLY_BYTES;
		}
		int ring = RingLayout.bytesFor(RingLayout.capacityFor(capacityBytes));
		return first ? ring + PipeHolders.BYTES : ring;
	}

	/**
	 * Makes this end send to the other, if it sends, and counts this process as holding it; the factory does it
	 * once, before either end is used or passed on.
	 */
	void connect(Connection<E> peer) {
		this.peerFile = peer.file();
		open(peer.memory());
	}

	@Override
	void attached() {
		SharedMemory peer = null;
		if (this.writable) {
			SharedObject known = SharedObjects.known(this.peerFile);
			try {
				peer = (known instanceof Connection<?>) ? known.memory() : SharedMemory.map(Path.of(this.peerFile));
			}
			catch (IOException ex) {
				this.outboxProblem = "the other end of " + name() + " no longer exists (" + ex + "): it was closed, or "
						+ "its template closed, before this end arrived";
			}
		}
		open(peer);
		this.codec = new MessageCodec(this);
	}

	/**
	 * Maps this end's rings and counts this process as holding it once more.
	 * @param peer the other end's memory, or {@code null} where it could not be mapped
	 */
	private void open(@Nullable SharedMemory peer) {
		SharedMemory firstMemory = this.first ? memory() : peer;
		SharedMemory secondRing = (this.readable && this.writable) ? (this.first ? peer : memory()) : null;
		if (firstMemory != null) {
			this.holders = new PipeHolders(firstMemory, secondRing);
		}
		PipeHolders pipe = this.holders;
		Runnable check = (pipe != null) ? pipe::check : null;
		if (this.readable) {
			this.inbox = new SharedRing(memory(), name(), check);
		}
		if (this.writable && peer != null) {
			this.outbox = new SharedRing(peer, Path.of(this.peerFile).getFileName().toString(), check);
		}
		if (pipe != null) {
			this.hold = pipe.hold(this, this.first ? 0 : 1);
		}
	}

	/** Whether this end can send: false for the receiving end of a one-way pipe. */
	public boolean canSend() {
		return this.writable;
	}

	/** Whether this end can receive: false for the sending end of a one-way pipe. */
	public boolean canReceive() {
		return this.readable;
	}

	/**
	 * Sends a message to the other end, waiting while its ring is full.
	 * @param message the message, which may be {@code null}
	 * @throws InterruptedException when interrupted while waiting for room (nothing was sent)
	 * @throws PipeClosedException when the other end is closed, as Python's {@code BrokenPipeError}
	 * @throws IllegalStateException when this end cannot send or is closed
	 * @throws dev.mp.SerializationException when the message cannot be serialized or its class is refused
	 */
	public void send(@Nullable E message) throws InterruptedException {
		SharedRing outbox = outbox();
		try {
			this.codec.put(outbox, message, Waiting.FOREVER);
		}
		catch (QueueShutDownException ex) {
			throw sendingToAClosedEnd();
		}
	}

	/**
	 * Sends part of an array as a {@code byte[]} message, copying it straight into shared memory; the receiver gets
	 * an array of exactly {@code length} bytes, as Python's {@code send_bytes(buf, offset, size)}.
	 * @throws InterruptedException when interrupted while waiting for room (nothing was sent)
	 */
	public void sendBytes(byte[] bytes, int offset, int length) throws InterruptedException {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		SharedRing outbox = outbox();
		try {
			outbox.put(MessageCodec.BYTES, bytes, offset, length, 0, Waiting.FOREVER);
		}
		catch (QueueShutDownException ex) {
			throw sendingToAClosedEnd();
		}
	}

	/**
	 * Receives the next message, waiting until one arrives.
	 * @throws InterruptedException when interrupted while waiting (nothing was received)
	 * @throws PipeClosedException when the other end is closed and nothing is left to receive, as Python's
	 * {@code EOFError}
	 * @throws IllegalStateException when this end cannot receive or is closed
	 */
	@SuppressWarnings("unchecked")
	public @Nullable E recv() throws InterruptedException {
		return (E) take();
	}

	/**
	 * Receives the next message, which must be a {@code byte[]} (sent with {@link #sendBytes} or as a message).
	 * @throws PipeClosedException when the other end is closed and nothing is left to receive
	 * @throws IllegalStateException when the message is of another type (it is consumed all the same)
	 */
	public byte[] recvBytes() throws InterruptedException {
		Object message = take();
		if (message instanceof byte[] bytes) {
			return bytes;
		}
		throw new IllegalStateException("Received " + ((message != null) ? "a " + message.getClass().getName() : "null")
				+ " on " + name() + ", not bytes");
	}

	/**
	 * Whether a message is there to be received now, or the other end is closed with nothing left to receive: whether
	 * {@link #recv} would return or throw without waiting, as Python's {@code poll()}.
	 */
	public boolean poll() {
		SharedRing inbox = inbox();
		if (inbox.readable()) {
			return true;
		}
		// what a wait's housekeeping does, at most as often: a holder that was killed has told no one
		PipeHolders pipe = this.holders;
		if (pipe != null) {
			pipe.check();
		}
		return inbox.isShutDown();
	}

	/**
	 * Waits up to the given time for a message to be there to receive, or for the other end to be closed with nothing
	 * left to receive, as Python's {@code poll(timeout)}.
	 * @return whether {@link #recv} would return or throw without waiting
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean poll(long timeout, TimeUnit unit) throws InterruptedException {
		return inbox().awaitReadable(Waiting.deadline(timeout, unit));
	}

	/** Whether {@link #close()} was called on this end in this process. */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Closes this end in this process: calls on it then fail. Once no other live process holds it, the pipe ends:
	 * the other end receives what is left, then gets {@link PipeClosedException}.
	 */
	@Override
	public void close() {
		this.closed = true;
		Cleaner.Cleanable held = this.hold;
		if (held != null) {
			held.clean();
		}
		super.close();
	}

	/** Takes the next message; the pipe's rings are shut down when it ends (see {@link PipeHolders}). */
	private @Nullable Object take() throws InterruptedException {
		SharedRing inbox = inbox();
		try {
			return inbox.take(Waiting.FOREVER, this.codec);
		}
		catch (QueueShutDownException ex) {
			throw new PipeClosedException("The other end of " + name() + " is closed and nothing is left to receive");
		}
	}

	private PipeClosedException sendingToAClosedEnd() {
		return new PipeClosedException("The other end of " + name() + " is closed: nothing can be sent to it");
	}

	private SharedRing inbox() {
		checkOpen();
		if (!this.readable) {
			throw new IllegalStateException(name() + " is the sending end of a one-way pipe: it cannot receive "
					+ "(receive on the other end)");
		}
		return this.inbox;
	}

	private SharedRing outbox() {
		checkOpen();
		if (!this.writable) {
			throw new IllegalStateException(name() + " is the receiving end of a one-way pipe: it cannot send "
					+ "(send on the other end)");
		}
		if (this.outbox == null) {
			throw new IllegalStateException((this.outboxProblem != null) ? this.outboxProblem
					: name() + " is not connected to another end");
		}
		return this.outbox;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException(name() + " is closed");
		}
	}

}

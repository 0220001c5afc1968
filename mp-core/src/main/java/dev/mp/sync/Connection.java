package dev.mp.sync;

import java.io.IOException;
import java.io.Serial;
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
 * <p>There is no end-of-file: closing an end releases it in this process only and does not wake a receiver on the
 * other end, so send a message that says "done" instead. A process killed while it sends or receives a message may
 * break the pipe, as in Python; calls on it then throw {@link IllegalStateException}.
 *
 * @param <E> the type of the messages
 */
public final class Connection<E> extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	/** Shared memory of an end that only sends: a placeholder, since it has nothing to receive. */
	private static final int SEND_ONLY_BYTES = 64;

	private final boolean readable;

	private final boolean writable;

	/** The file of the end this one sends to, whose ring it writes into; set once, before either end is used. */
	private String peerFile;

	private transient SharedRing inbox;

	private transient SharedRing outbox;

	/** Why {@link #outbox} could not be mapped in this process, for the first send to report. */
	private transient String outboxProblem;

	private transient MessageCodec codec;

	private transient volatile boolean closed;

	Connection(SharedObjects owner, boolean readable, boolean writable, int capacityBytes) {
		super(owner, owner.allocate(readable ? "pipe" : "pipe-send",
				readable ? RingLayout.bytesFor(RingLayout.capacityFor(capacityBytes)) : SEND_ONLY_BYTES));
		this.readable = readable;
		this.writable = writable;
		if (readable) {
			RingLayout.format(memory(), RingLayout.capacityFor(capacityBytes), 0, false);
			this.inbox = new SharedRing(memory(), name());
		}
		this.codec = new MessageCodec(this);
	}

	/** Makes this end send to the other; the factory does it once, before either end is used or passed on. */
	void connect(Connection<E> peer) {
		this.peerFile = peer.file();
		this.outbox = peer.inbox;
	}

	@Override
	void attached() {
		if (this.readable) {
			this.inbox = new SharedRing(memory(), name());
		}
		if (this.writable) {
			SharedObject known = SharedObjects.known(this.peerFile);
			try {
				this.outbox = (known instanceof Connection<?> peer && peer.inbox != null) ? peer.inbox
						: new SharedRing(SharedMemory.map(Path.of(this.peerFile)), Path.of(this.peerFile)
							.getFileName()
							.toString());
			}
			catch (IOException ex) {
				this.outboxProblem = "the other end of " + name() + " no longer exists (" + ex + "): it was closed, or "
						+ "its template closed, before this end arrived";
			}
		}
		this.codec = new MessageCodec(this);
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
	 * @throws IllegalStateException when this end cannot send or is closed
	 * @throws dev.mp.SerializationException when the message cannot be serialized or its class is refused
	 */
	public void send(@Nullable E message) throws InterruptedException {
		this.codec.put(outbox(), message, Waiting.FOREVER);
	}

	/**
	 * Sends part of an array as a {@code byte[]} message, copying it straight into shared memory; the receiver gets
	 * an array of exactly {@code length} bytes, as Python's {@code send_bytes(buf, offset, size)}.
	 * @throws InterruptedException when interrupted while waiting for room (nothing was sent)
	 */
	public void sendBytes(byte[] bytes, int offset, int length) throws InterruptedException {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		outbox().put(MessageCodec.BYTES, bytes, offset, length, 0, Waiting.FOREVER);
	}

	/**
	 * Receives the next message, waiting until one arrives.
	 * @throws InterruptedException when interrupted while waiting (nothing was received)
	 * @throws IllegalStateException when this end cannot receive or is closed
	 */
	@SuppressWarnings("unchecked")
	public @Nullable E recv() throws InterruptedException {
		return (E) inbox().take(Waiting.FOREVER, this.codec);
	}

	/**
	 * Receives the next message, which must be a {@code byte[]} (sent with {@link #sendBytes} or as a message).
	 * @throws IllegalStateException when the message is of another type (it is consumed all the same)
	 */
	public byte[] recvBytes() throws InterruptedException {
		Object message = inbox().take(Waiting.FOREVER, this.codec);
		if (message instanceof byte[] bytes) {
			return bytes;
		}
		throw new IllegalStateException("Received " + ((message != null) ? "a " + message.getClass().getName() : "null")
				+ " on " + name() + ", not bytes");
	}

	/** Whether a message is there to be received now, as Python's {@code poll()}. */
	public boolean poll() {
		return inbox().readable();
	}

	/**
	 * Waits up to the given time for a message to be there to receive, as Python's {@code poll(timeout)}.
	 * @return whether one is
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean poll(long timeout, TimeUnit unit) throws InterruptedException {
		return inbox().awaitReadable(Waiting.deadline(timeout, unit));
	}

	/** Whether {@link #close()} was called on this end in this process. */
	public boolean isClosed() {
		return this.closed;
	}

	/** Closes this end in this process: calls on it then fail. The other end is not told. */
	@Override
	public void close() {
		this.closed = true;
		super.close();
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

package dev.mp.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import dev.mp.wire.Frame;
import dev.mp.wire.FrameType;
import dev.mp.wire.ProtocolException;

/**
 * mp's own short cut for a pool worker's calls, not an API for applications: one request and one answer slot in
 * shared memory between the parent and one worker. A worker opens its inbox as it answers a call and keeps looking
 * at it for a moment, and a caller blocked on an answer looks at the outbox for a moment; a call that starts or ends
 * within that moment passes without a system call and without waking a thread. Otherwise it goes over the socket as
 * always, and the parent counts each frame it writes there, so that a worker looking at its inbox stops as soon as
 * something waits for it on the socket.
 * <p>
 * Each box is one word whose value decides who may touch the slot: {@link #CLOSED} (nobody is looking: use the
 * socket), {@link #OPEN} (the other side is spinning on it) or a call id (the slot holds that call's bytes). The
 * writer fills the slot, then compare-and-sets {@code OPEN} to the call id, which publishes the bytes; the looker
 * closes the box with a compare-and-set from {@code OPEN}, so a message posted as it gave up is still taken, never
 * lost and never sent twice. A worker runs one call at a time, so a slot is never refilled before it is read.
 */
public final class CallMailbox implements AutoCloseable {

	static final long CLOSED = 0;

	static final long OPEN = -1;

	/** Control words on their own cache lines: the two sides spin on different ones. */
	private static final int INBOX = 0;

	private static final int REQUEST_LENGTH = 8;

	private static final int REQUEST_TYPE = 16;

	/** Frames the parent has written to the socket, counted before each is written. */
	private static final int SOCKET_FRAMES = 24;

	private static final int OUTBOX = 64;

	private static final int ANSWER_LENGTH = 72;

	private static final int ANSWER_TYPE = 76;

	/** Times a caller has started to look at the outbox: the worker waits for callers only where some look. */
	private static final int LOOKS = 80;

	private static final int SLOTS = 128;

	/** How often a spin reads the clock: reading it costs more than a look at the box. */
	private static final int LOOKS_PER_CLOCK_READ = 32;

	/**
	 * How long a look spins before it also yields its core now and then: on a busy machine a pure spin would keep
	 * the other side, or the parent's socket reader with an answer in hand, waiting for that core.
	 */
	private static final long PURE_SPIN_NANOS = 20_000;

	private final SharedMemory memory;

	private final int capacity;

	private final boolean owner;

	/** The worker's side: {@link #LOOKS} at its last answer, and whether that answer was taken here. */
	private long looksSeen;

	private boolean lastTaken;

	private CallMailbox(SharedMemory memory, boolean owner) {
		this.memory = memory;
		this.capacity = (memory.size() - SLOTS) / 2;
		this.owner = owner;
	}

	/** Makes a mailbox whose slots hold up to {@code capacity} bytes each; for {@link SharedObjects}. */
	static CallMailbox create(SharedObjects objects, int capacity) {
		return new CallMailbox(objects.allocate("call", SLOTS + 2 * capacity), true);
	}

	/** The worker's side: maps the mailbox its parent made. */
	public static CallMailbox open(Path file) throws IOException {
		return new CallMailbox(SharedMemory.map(file), false);
	}

	/** The file to hand to the worker. */
	public Path file() {
		return this.memory.file();
	}

	/**
	 * The parent's side: puts a call in the inbox if the worker is looking at it.
	 * @return {@code false} if the worker is not looking or the call does not fit: send it over the socket
	 */
	public boolean post(Frame call) {
		byte[] request = call.payload();
		if (request.length > this.capacity || this.memory.getLong(INBOX) != OPEN) {
			return false;
		}
		this.memory.write(SLOTS, request, 0, request.length);
		this.memory.setLongPlain(REQUEST_LENGTH, request.length);
		this.memory.setByte(REQUEST_TYPE, call.type().code());
		return this.memory.compareAndSetLong(INBOX, OPEN, call.correlationId());
	}

	/** The parent's side: about to write a frame to the socket (see {@link #awaitCall}). */
	public void announceSocketFrame() {
		this.memory.getAndAddLong(SOCKET_FRAMES, 1);
	}

	/**
	 * The worker's side, before it sends an answer: from now on the parent may post the next call here. Opening
	 * first means a caller who has the answer finds the box open.
	 */
	public void openInbox() {
		this.memory.setLong(INBOX, OPEN);
	}

	/**
	 * The worker's side, after {@link #openInbox}: spins on the inbox until a call is posted, the time is up, or the
	 * parent has written a frame to the socket beyond the {@code framesRead} the worker has read; then closes it.
	 * @return the call posted, or {@code null}: read the socket
	 */
	public Frame awaitCall(long spinNanos, long framesRead) {
		long posted = spin(INBOX, spinNanos, () -> this.memory.getLong(SOCKET_FRAMES) > framesRead);
		if (posted <= 0) {
			return null;
		}
		byte[] request = new byte[(int) this.memory.getLongPlain(REQUEST_LENGTH)];
		this.memory.read(SLOTS, request, 0, request.length);
		FrameType type = FrameType.of(this.memory.getByte(REQUEST_TYPE));
		this.memory.setLong(INBOX, CLOSED);
		return new Frame(type, posted, request);
	}

	/**
	 * The worker's side: puts an answer in the outbox if a caller is looking at it, or, where callers have been
	 * looking, starts to within {@code waitNanos}. A worker that answers within a microsecond can beat a caller that
	 * is about to wait to its outbox, and the socket then costs that caller a thread wake-up (tens of µs on some
	 * machines) where waiting a moment costs a few µs. Where nobody waits (tasks submitted in a batch, map chunks
	 * nobody is joining yet) the wait would only delay every answer, so it is made only after the last answer was
	 * taken here or a caller has looked since.
	 * @return {@code false} if nobody looks or the answer does not fit: send it over the socket
	 */
	public boolean answer(Frame answer, long waitNanos) {
		long looks = this.memory.getLong(LOOKS);
		boolean callersLook = this.lastTaken || looks != this.looksSeen;
		this.looksSeen = looks;
		this.lastTaken = postAnswer(answer, callersLook ? waitNanos : 0);
		return this.lastTaken;
	}

	private boolean postAnswer(Frame answer, long waitNanos) {
		byte[] payload = answer.payload();
		if (payload.length > this.capacity) {
			return false;
		}
		if (this.memory.getLong(OUTBOX) != OPEN) {
			long deadline = System.nanoTime() + waitNanos;
			int looks = 0;
			do {
				if (++looks % LOOKS_PER_CLOCK_READ == 0 && System.nanoTime() - deadline > 0) {
					return false;
				}
				Thread.onSpinWait();
			}
			while (this.memory.getLong(OUTBOX) != OPEN);
		}
		this.memory.write(SLOTS + this.capacity, payload, 0, payload.length);
		this.memory.setInt(ANSWER_LENGTH, payload.length);
		this.memory.setByte(ANSWER_TYPE, answer.type().code());
		return this.memory.compareAndSetLong(OUTBOX, OPEN, answer.correlationId());
	}

	/**
	 * The parent's side: opens the outbox and spins on it until an answer is posted, the time is up, or
	 * {@code answeredElsewhere} says the answer came another way (over the socket, or as the worker's death).
	 * @return the answer, or {@code null}
	 * @throws ProtocolException if what the worker posted cannot be an answer
	 */
	public Frame awaitAnswer(long spinNanos, BooleanSupplier answeredElsewhere) {
		this.memory.getAndAddLong(LOOKS, 1);
		if (!this.memory.compareAndSetLong(OUTBOX, CLOSED, OPEN)) {
			return null;
		}
		long posted = spin(OUTBOX, spinNanos, answeredElsewhere);
		if (posted <= 0) {
			return null;
		}
		// the worker wrote these: a broken one (or native code scribbling on its memory) must not make this JVM
		// allocate what it likes or throw from a caller's get()
		try {
			int length = this.memory.getInt(ANSWER_LENGTH);
			if (length < 0 || length > this.capacity) {
				throw new ProtocolException("Answer of " + length + " bytes in a mailbox of " + this.capacity);
			}
			FrameType type = FrameType.of(this.memory.getByte(ANSWER_TYPE));
			if (type != FrameType.RESULT && type != FrameType.PLAIN_RESULT && type != FrameType.FAILURE) {
				throw new ProtocolException("A " + type + " frame in the answer box");
			}
			byte[] payload = new byte[length];
			this.memory.read(SLOTS + this.capacity, payload, 0, length);
			return new Frame(type, posted, payload);
		}
		finally {
			this.memory.setLong(OUTBOX, CLOSED);
		}
	}

	/** Spins on an open box; returns what was posted, or 0 once it has closed the box with nothing in it. */
	private long spin(int box, long spinNanos, BooleanSupplier givenUp) {
		long start = System.nanoTime();
		long deadline = start + spinNanos;
		long yieldFrom = start + PURE_SPIN_NANOS;
		int looks = 0;
		while (true) {
			long value = this.memory.getLong(box);
			if (value > 0) {
				return value;
			}
			if (++looks % LOOKS_PER_CLOCK_READ == 0) {
				long now = System.nanoTime();
				if (now - deadline > 0 || (givenUp != null && givenUp.getAsBoolean())) {
					if (this.memory.compareAndSetLong(box, OPEN, CLOSED)) {
						return 0;
					}
					// posted as the time ran out
					return this.memory.getLong(box);
				}
				if (now - yieldFrom > 0) {
					Thread.yield();
				}
			}
			Thread.onSpinWait();
		}
	}

	/** The parent removes the file once the worker is gone; the worker only unmaps (at exit). */
	@Override
	public void close() {
		if (this.owner) {
			try {
				Files.deleteIfExists(file());
			}
			catch (IOException ex) {
				// the template's directory goes when it closes
			}
		}
	}

}

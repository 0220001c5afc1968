package dev.mp.internal.mailbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.mp.internal.shm.SharedMemory;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.ProtocolException;

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
 * <p>
 * A payload too large for a slot is {@linkplain #stage staged}: written straight into a file of its own (a
 * {@link BulkSlot} each way) and read where it lies, while only a small frame that points at it travels, through a
 * slot or over the socket. A megabyte then costs a copy on each side instead of several, and no trip through the
 * kernel.
 */
public final class CallMailbox implements AutoCloseable {

	static final long CLOSED = 0;

	static final long OPEN = -1;

	/** Numbers the mailboxes this JVM makes, for their file names. */
	private static final AtomicLong NUMBERS = new AtomicLong();

	private static final int INBOX = 0;

	private static final int REQUEST_LENGTH = 8;

	private static final int REQUEST_TYPE = 16;

	/** Frames the parent has written to the socket, counted before each is written. */
	private static final int SOCKET_FRAMES = 24;

	/** Non-zero while the parent writes a staged call; a worker looking for its next call keeps looking meanwhile. */
	private static final int CALL_STAGING = 32;

	/** Set by the worker once it has mapped the mailbox: only then can it read a staged call. */
	private static final int WORKER_MAPPED = 40;

	private static final int OUTBOX = 64;

	private static final int ANSWER_LENGTH = 72;

	private static final int ANSWER_TYPE = 76;

	/** Times a caller has started to look at the outbox: the worker waits for callers only where some look. */
	private static final int LOOKS = 80;

	/** Non-zero while the worker writes a staged answer; its caller keeps looking meanwhile. */
	private static final int ANSWER_STAGING = 88;

	private static final int SLOTS = 128;

	/** How often a spin reads the clock: reading it costs more than a look at the box. */
	private static final int LOOKS_PER_CLOCK_READ = 32;

	/**
	 * How long a look spins before it also yields its core now and then: on a busy machine a pure spin would keep
	 * the other side, or the parent's socket reader with an answer in hand, waiting for that core.
	 */
	private static final long PURE_SPIN_NANOS = 20_000;

	/**
	 * The longest a look waits for staged payloads to be read and written before its own time starts: far longer than
	 * copying the largest frame takes, so it ends only where the other side stopped (a garbage collection, a kill).
	 */
	private static final long MAX_STAGED_NANOS = 100_000_000;

	private final SharedMemory memory;

	private final int capacity;

	private final boolean owner;

	/** This side's payloads too large for a slot, and the other side's. */
	private final BulkSlot outgoing;

	private final BulkSlot incoming;

	/** The worker's side: {@link #LOOKS} at its last answer, and whether that answer was taken here. */
	private long looksSeen;

	private boolean lastTaken;

	private CallMailbox(SharedMemory memory, boolean owner) {
		this.memory = memory;
		this.capacity = (memory.size() - SLOTS) / 2;
		this.owner = owner;
		String calls = memory.file() + "-down-";
		String answers = memory.file() + "-up-";
		this.outgoing = new BulkSlot(owner ? calls : answers);
		this.incoming = new BulkSlot(owner ? answers : calls);
	}

	/**
	 * Makes a mailbox whose slots hold up to {@code capacity} bytes each, in a private directory of shared memory.
	 * @throws IOException if there is no room for it
	 */
	public static CallMailbox create(Path directory, int capacity) throws IOException {
		Path file = directory.resolve("mailbox-" + NUMBERS.incrementAndGet());
		return new CallMailbox(SharedMemory.create(file, SLOTS + 2 * capacity), true);
	}

	/** The worker's side: maps the mailbox its parent made. */
	public static CallMailbox open(Path file) throws IOException {
		return new CallMailbox(SharedMemory.map(file), false);
	}

	/**
	 * The worker's side, once whatever reads its calls can reach this mailbox: from now on the parent may stage calls
	 * here (a worker that never gets this far gets every call whole).
	 */
	public void announceMapped() {
		this.memory.setLong(WORKER_MAPPED, 1);
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

	/**
	 * Either side: writes a payload too large for a slot into shared memory of its own, if the other side has read the
	 * last one written there.
	 * @param maxBytes the frame limit, which no payload exceeds
	 * @return the {@link FrameType#STAGED} frame to send in the payload's place, by {@link #post}, {@link #answer} or
	 * over the socket; {@code null} if the payload fits a slot or cannot be staged: send it whole
	 */
	public Frame stage(FrameType type, long id, Payload payload, int maxBytes) {
		if (payload.size() <= this.capacity || this.memory.getLong(WORKER_MAPPED) == 0) {
			return null;
		}
		int staging = this.owner ? CALL_STAGING : ANSWER_STAGING;
		this.memory.setLong(staging, 1);
		try {
			return this.outgoing.stage(type, id, payload, maxBytes);
		}
		finally {
			this.memory.setLong(staging, 0);
		}
	}

	/**
	 * Either side: the payload a {@link FrameType#STAGED} frame from the other side names; read it, then close it.
	 * @param maxBytes the frame limit, which no payload exceeds
	 * @throws ProtocolException if the frame names nothing the other side can have staged
	 */
	public StagedPayload openStaged(Frame staged, int maxBytes) {
		return this.incoming.open(staged, maxBytes);
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
		long posted = spin(INBOX, spinNanos, saturatedAdd(spinNanos, MAX_STAGED_NANOS),
				() -> this.memory.getLong(SOCKET_FRAMES) > framesRead);
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
	 * @param spinNanos how long to look once staged payloads are read and written (see {@link #spin})
	 * @param maxNanos the longest to look in all (the caller's own timeout)
	 * @return the answer, or {@code null}
	 * @throws ProtocolException if what the worker posted cannot be an answer
	 */
	public Frame awaitAnswer(long spinNanos, long maxNanos, BooleanSupplier answeredElsewhere) {
		this.memory.getAndAddLong(LOOKS, 1);
		if (!this.memory.compareAndSetLong(OUTBOX, CLOSED, OPEN)) {
			return null;
		}
		long posted = spin(OUTBOX, Math.min(spinNanos, maxNanos),
				Math.min(maxNanos, saturatedAdd(spinNanos, MAX_STAGED_NANOS)), answeredElsewhere);
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
			if (type != FrameType.RESULT && type != FrameType.PLAIN_RESULT && type != FrameType.FAILURE
					&& type != FrameType.STAGED) {
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

	private static long saturatedAdd(long a, long b) {
		long sum = a + b;
		return (sum < 0) ? Long.MAX_VALUE : sum;
	}

	/**
	 * Spins on an open box; returns what was posted, or 0 once it has closed the box with nothing in it. The time
	 * counts from when the other side is done reading the payload this side staged last, and done writing one it
	 * stages for this side: a call or answer that takes a megabyte's copy cannot come sooner, and a look that ran out
	 * meanwhile would cost a thread wake-up on both sides.
	 * @param maxNanos the longest the look may last in all, however long staged payloads take
	 */
	private long spin(int box, long spinNanos, long maxNanos, BooleanSupplier givenUp) {
		long start = System.nanoTime();
		long deadline = start + spinNanos;
		long yieldFrom = start + PURE_SPIN_NANOS;
		long lastMoment = start + maxNanos;
		int otherStaging = this.owner ? ANSWER_STAGING : CALL_STAGING;
		int looks = 0;
		while (true) {
			long value = this.memory.getLong(box);
			if (value > 0) {
				return value;
			}
			if (++looks % LOOKS_PER_CLOCK_READ == 0) {
				long now = System.nanoTime();
				if (this.outgoing.unread() || this.memory.getLong(otherStaging) != 0) {
					deadline = (lastMoment - (now + spinNanos) < 0) ? lastMoment : now + spinNanos;
				}
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

	/**
	 * The parent removes the files once the worker is gone, staged payloads' files too (the worker makes those of its
	 * answers); the worker only unmaps (at exit).
	 */
	@Override
	public void close() {
		if (!this.owner) {
			return;
		}
		BulkSlot.deleteQuietly(file());
		try (DirectoryStream<Path> staged = Files.newDirectoryStream(file().getParent(),
				file().getFileName() + "-*")) {
			staged.forEach(BulkSlot::deleteQuietly);
		}
		catch (IOException ex) {
			// the template's directory goes when it closes
		}
	}

}

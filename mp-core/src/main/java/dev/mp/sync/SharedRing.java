package dev.mp.sync;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.shm.SharedMemory;

/**
 * A ring of bytes in shared memory that carries records between processes: the storage of {@link ProcessQueue} and
 * of each receiving end of a {@link Pipe}. Any number of producers and consumers, in any processes, may use it:
 * producers take turns on a put-lock word and consumers on a take-lock word (one compare-and-set each, as in
 * {@link ProcessLock}), so a producer and a consumer never wait for each other except for space or data.
 *
 * <p>A record that fits the ring is written whole and published by one release store of {@code tail}. A larger one
 * is <em>streamed</em>: the producer writes it in chunks as consumers free space, publishing {@code tail} after each,
 * and the consumer holding the take lock reads the chunks as they arrive, publishing {@code head}. Once a record is
 * started neither side gives up on it (not for a deadline, not for an interrupt), since abandoning it half-written
 * or half-read would corrupt the ring.
 *
 * <p>{@link RingLayout} says where the header words and the data are, and how a record is framed; {@link RingData}
 * copies payloads across the end of the ring and streams the large ones; {@link RingLocks} keeps the two lock words,
 * and breaks the ring when a process dies in the middle of a record.
 */
final class SharedRing {

	/** Returned by {@link #take} when the deadline passed with nothing taken. */
	static final Object NOTHING = new Object();

	/** A deadline meaning "do not wait at all". */
	static final long NOW = Long.MIN_VALUE;

	private final SharedMemory memory;

	private final String name;

	private final int capacity;

	private final int maxItems;

	private final boolean joinable;

	private final RingLocks locks;

	private final RingData data;

	/** What a long wait does every few milliseconds: the locks' checks, and what the ring's user adds. */
	private final Runnable housekeeping;

	/** Decoding room for short strings, used under the take lock only. */
	private final byte[] scratch = new byte[1024];

	SharedRing(SharedMemory memory, String name) {
		this(memory, name, null);
	}

	/**
	 * A ring whose long waits also run {@code alsoWhileWaiting} every few milliseconds, such as a pipe's look for an
	 * end that no live process holds.
	 */
	SharedRing(SharedMemory memory, String name, @Nullable Runnable alsoWhileWaiting) {
		this.memory = memory;
		this.name = name;
		this.capacity = memory.getInt(RingLayout.CAPACITY);
		if (Integer.bitCount(this.capacity) != 1 || memory.size() < RingLayout.DATA + this.capacity) {
			throw new IllegalStateException(name + " is not a ring (capacity " + this.capacity + ")");
		}
		this.maxItems = memory.getInt(RingLayout.MAX_ITEMS);
		this.joinable = memory.getInt(RingLayout.JOINABLE) != 0;
		this.locks = new RingLocks(memory, name);
		this.data = new RingData(memory, this.capacity, this.locks);
		this.housekeeping = (alsoWhileWaiting != null) ? () -> {
			this.locks.checkPeers();
			alsoWhileWaiting.run();
		} : this.locks::checkPeers;
	}

	int capacity() {
		return this.capacity;
	}

	int maxItems() {
		return this.maxItems;
	}

	/** Whole records waiting; never negative. */
	int count() {
		return (int) Math.max(0, Math.min(Integer.MAX_VALUE, this.memory.getLong(RingLayout.COUNT)));
	}

	/** Whether a record has started to arrive: something a consumer can begin to take. */
	boolean readable() {
		return this.memory.getLong(RingLayout.TAIL) - this.memory.getLong(RingLayout.HEAD)
				>= RingLayout.RECORD_HEADER;
	}

	long unfinished() {
		return this.memory.getLong(RingLayout.UNFINISHED);
	}

	// ---------------------------------------------------------------------------------------------------- putting

	/**
	 * Puts one record. A record that fits the ring is written whole or not at all: {@code false} means the deadline
	 * passed first and nothing was written. A larger one starts when half the ring is free, and then this waits
	 * until it is all written, whatever the deadline.
	 * @param tag what the payload is, for the reader
	 * @param payload the payload bytes, or {@code null} for an 8-byte scalar payload
	 * @param scalar the payload when {@code payload} is {@code null} and {@code length} is 8
	 */
	boolean put(int tag, byte @Nullable [] payload, int offset, int length, long scalar, long deadline)
			throws InterruptedException {
		this.locks.checkNotBroken();
		// before the lock too: a put to a shut-down queue throws even when another holds the lock
		checkNotShutDown();
		long me = Owners.currentThread();
		if (!this.locks.tryLock(RingLayout.PUT_OWNER, me)
				&& !await(() -> this.locks.tryLock(RingLayout.PUT_OWNER, me), deadline)) {
			return false;
		}
		try {
			this.locks.checkNotBroken();
			// again under the lock, and after a wait only if it waited: a shutdown ends the waits
			checkNotShutDown();
			if (this.maxItems > 0 && this.memory.getLong(RingLayout.COUNT) >= this.maxItems) {
				if (!await(() -> this.memory.getLong(RingLayout.COUNT) < this.maxItems || isShutDown(), deadline)) {
					return false;
				}
				checkNotShutDown();
			}
			long tail = this.memory.getLong(RingLayout.TAIL);
			long region = RingLayout.align(length);
			long end = tail + RingLayout.RECORD_HEADER + region;
			long total = end - tail;
			if (total > this.capacity && deadline == NOW) {
				// streaming it would wait for consumers: "put it if there is room now" means room for all of it
				return false;
			}
			long start = (total <= this.capacity) ? total : this.capacity / 2;
			if (this.data.free(tail) < start) {
				if (!await(() -> this.data.freeNow(tail) >= start || isShutDown(), deadline)) {
					return false;
				}
				checkNotShutDown();
			}
			this.memory.setLong(RingLayout.WRITE_END, end);
			this.data.writeLong(tail, ((long) tag << 32) | (length & 0xFFFF_FFFFL));
			if (total <= this.capacity) {
				if (payload == null) {
					if (length == 8) {
						this.data.writeLong(tail + RingLayout.RECORD_HEADER, scalar);
					}
				}
				else {
					this.data.copyIn(tail + RingLayout.RECORD_HEADER, payload, offset, length);
				}
			}
			else {
				this.data.stream(tail + RingLayout.RECORD_HEADER, payload, offset, length, region);
			}
			this.memory.getAndAddLong(RingLayout.COUNT, 1);
			if (this.joinable) {
				this.memory.getAndAddLong(RingLayout.UNFINISHED, 1);
			}
			this.memory.setLongRelease(RingLayout.TAIL, end);
			return true;
		}
		finally {
			this.locks.unlock(RingLayout.PUT_OWNER);
		}
	}

	// ----------------------------------------------------------------------------------------------------- taking

	/**
	 * Takes one record and decodes it. The deadline bounds the wait for a record to start; once one has, this waits
	 * for the rest of it.
	 * @param codec decodes serialized messages; {@code null} to skip them undecoded
	 * @return the message, or {@link #NOTHING} when the deadline passed first
	 * @throws QueueShutDownException if the queue is shut down and empty
	 */
	@Nullable Object take(long deadline, @Nullable MessageCodec codec) throws InterruptedException {
		this.locks.checkNotBroken();
		long me = Owners.currentThread();
		if (!this.locks.tryLock(RingLayout.TAKE_OWNER, me)
				&& !await(() -> this.locks.tryLock(RingLayout.TAKE_OWNER, me), deadline)) {
			return NOTHING;
		}
		int tag;
		byte[] serialized = null;
		Object message = null;
		try {
			this.locks.checkNotBroken();
			long head = this.memory.getLong(RingLayout.HEAD);
			if (this.data.available(head) < RingLayout.RECORD_HEADER && (!await(
					() -> this.data.availableNow(head) >= RingLayout.RECORD_HEADER || isShutDown(), deadline)
					|| this.data.availableNow(head) < RingLayout.RECORD_HEADER)) {
				// a shut-down queue is drained first, then refuses
				checkNotShutDown();
				return NOTHING;
			}
			long header = this.data.readLong(head);
			int length = (int) header;
			tag = (int) (header >>> 32);
			if (length < 0) {
				this.locks.breakGarbled();
			}
			long end = head + RingLayout.RECORD_HEADER + RingLayout.align(length);
			this.memory.setLong(RingLayout.READ_END, end);
			long payload = head + RingLayout.RECORD_HEADER;
			if (this.data.available(head) >= end - head || this.data.availableNow(head) >= end - head) {
				// whole: the common case, decoded straight from the ring
				switch (tag) {
					case MessageCodec.NULL -> message = null;
					case MessageCodec.STRING -> {
						byte[] into = (length <= this.scratch.length) ? this.scratch : new byte[length];
						this.data.copyOut(payload, into, 0, length);
						message = new String(into, 0, length, StandardCharsets.UTF_8);
					}
					case MessageCodec.BYTES, MessageCodec.SERIALIZED -> {
						byte[] into = new byte[length];
						this.data.copyOut(payload, into, 0, length);
						if (tag == MessageCodec.BYTES) {
							message = into;
						}
						else {
							serialized = into;
						}
					}
					default -> message = MessageCodec.scalar(tag, this.data.readLong(payload));
				}
			}
			else {
				byte[] into = new byte[length];
				this.data.receive(payload, into, RingLayout.align(length));
				if (tag == MessageCodec.STRING) {
					message = new String(into, StandardCharsets.UTF_8);
				}
				else if (tag == MessageCodec.SERIALIZED) {
					serialized = into;
				}
				else {
					message = into;
				}
			}
			this.memory.getAndAddLong(RingLayout.COUNT, -1);
			this.memory.setLongRelease(RingLayout.HEAD, end);
		}
		finally {
			this.locks.unlock(RingLayout.TAKE_OWNER);
		}
		// decoding can be slow and can fail: not under the lock, and the record is gone either way
		return (serialized != null && codec != null) ? codec.deserialize(serialized) : message;
	}

	/**
	 * Waits, without taking anything, until a record starts to arrive, the ring is shut down (a take would not wait
	 * then either), or the deadline passes.
	 */
	boolean awaitReadable(long deadline) throws InterruptedException {
		this.locks.checkNotBroken();
		return readableOrShutDown() || await(this::readableOrShutDown, deadline);
	}

	private boolean readableOrShutDown() {
		return readable() || isShutDown();
	}

	// ------------------------------------------------------------------------------------------------ shutdown

	boolean isShutDown() {
		return this.memory.getInt(RingLayout.SHUTDOWN) != 0;
	}

	private void checkNotShutDown() {
		if (isShutDown()) {
			throw new QueueShutDownException(this.name + " is shut down");
		}
	}

	/**
	 * Shuts the queue down; with {@code immediate}, drops every message in it, each counting as done for a joinable
	 * queue.
	 * @return the messages dropped
	 */
	int shutdown(boolean immediate) throws InterruptedException {
		this.memory.setInt(RingLayout.SHUTDOWN, 1);
		int dropped = 0;
		while (immediate && readable()) {
			try {
				if (take(Waiting.FOREVER, null) == NOTHING) {
					break;
				}
			}
			catch (QueueShutDownException ex) {
				// another taker took the last one
				break;
			}
			dropped++;
			if (this.joinable) {
				this.memory.getAndAddLong(RingLayout.UNFINISHED, -1);
			}
		}
		return dropped;
	}

	// ------------------------------------------------------------------------------------------------ joinable

	void taskDone() {
		while (true) {
			long unfinished = this.memory.getLong(RingLayout.UNFINISHED);
			if (unfinished <= 0) {
				throw new IllegalStateException("taskDone() called more times than there were items put in " + this.name);
			}
			if (this.memory.compareAndSetLong(RingLayout.UNFINISHED, unfinished, unfinished - 1)) {
				return;
			}
		}
	}

	boolean awaitAllDone(long deadline) throws InterruptedException {
		return unfinished() <= 0 || await(() -> unfinished() <= 0, deadline);
	}

	// ------------------------------------------------------------------------------------------------- waiting

	private boolean await(BooleanSupplier ready, long deadline) throws InterruptedException {
		if (deadline == NOW) {
			return ready.getAsBoolean();
		}
		return Waiting.until(ready, deadline, this.housekeeping);
	}

}

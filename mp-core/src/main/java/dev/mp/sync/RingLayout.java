package dev.mp.sync;

import dev.mp.internal.shm.SharedMemory;

/**
 * Where a {@link SharedRing} keeps what in its shared memory, and how a new one is sized and formatted: header words,
 * each group written by one side on its own 64-byte line so that the two sides do not invalidate each other's caches,
 * then a data area whose size is a power of two. {@code head} and {@code tail} count bytes taken and put since the
 * ring was made (they never wrap; a position is {@code count & mask}). A record is an 8-byte header (payload length,
 * tag) and the payload, padded to 8 bytes, so a header or a scalar payload never straddles the end of the ring; a
 * longer payload may wrap.
 */
final class RingLayout {

	private static final int LINE = 64;

	/** Consumer's line: bytes taken so far, and where the record being taken ends. */
	static final int HEAD = 0;

	static final int READ_END = 8;

	/** Producer's line: bytes put so far, and where the record being put ends. */
	static final int TAIL = LINE;

	static final int WRITE_END = LINE + 8;

	static final int PUT_OWNER = 2 * LINE;

	static final int TAKE_OWNER = 3 * LINE;

	/** Whole records put and not yet taken (a streamed record counts once it is all written). */
	static final int COUNT = 4 * LINE;

	/** Records put and not yet marked done, for joinable queues. */
	static final int UNFINISHED = 5 * LINE;

	/** Read-mostly: set when made, or once when the ring breaks. */
	static final int CAPACITY = 6 * LINE;

	static final int MAX_ITEMS = 6 * LINE + 4;

	static final int JOINABLE = 6 * LINE + 8;

	static final int BROKEN = 6 * LINE + 16;

	/**
	 * Set once by a queue's shutdown, or when a pipe ends: puts are refused, and takes too once the ring is empty.
	 */
	static final int SHUTDOWN = 6 * LINE + 24;

	static final int DATA = 8 * LINE;

	static final int RECORD_HEADER = 8;

	static final int MIN_CAPACITY = 64;

	static final int MAX_CAPACITY = 1 << 30;

	private RingLayout() {
	}

	/** The data capacity for a requested one: the next power of two, within bounds. */
	static int capacityFor(int requested) {
		if (requested < 1 || requested > MAX_CAPACITY) {
			throw new IllegalArgumentException(
					"capacity must be between 1 and " + MAX_CAPACITY + " bytes, not " + requested);
		}
		return Math.max(MIN_CAPACITY, Integer.highestOneBit(requested - 1) << 1);
	}

	/** The bytes of shared memory a ring of this (rounded) capacity takes. */
	static int bytesFor(int capacity) {
		return DATA + capacity;
	}

	/** Writes the header of a new ring into zeroed memory. */
	static void format(SharedMemory memory, int capacity, int maxItems, boolean joinable) {
		memory.setInt(MAX_ITEMS, maxItems);
		memory.setInt(JOINABLE, joinable ? 1 : 0);
		memory.setInt(CAPACITY, capacity);
	}

	/** The bytes a payload of this length takes in the ring: padded to 8. */
	static long align(long length) {
		return (length + 7) & ~7L;
	}

}

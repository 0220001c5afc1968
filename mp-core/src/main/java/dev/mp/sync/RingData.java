package dev.mp.sync;

import dev.mp.internal.shm.SharedMemory;

/**
 * The data area of a {@link SharedRing}: copies payloads in and out across the end of the ring, streams a payload
 * larger than the ring chunk by chunk as the other side frees or fills space, and keeps this process's hints of how
 * far the other side has got.
 */
final class RingData {

	private final SharedMemory memory;

	private final int capacity;

	private final int mask;

	/** Smallest chunk worth waiting for while streaming, so the two sides do not chase each other byte by byte. */
	private final int minChunk;

	private final RingLocks locks;

	/*
	 * Hints kept by this process: head and tail only grow, so a stale value understates free space or data and is
	 * safe. Each is used under the lock of its side, which orders its uses by different threads of this process.
	 */
	private long knownHead;

	private long knownTail;

	RingData(SharedMemory memory, int capacity, RingLocks locks) {
		this.memory = memory;
		this.capacity = capacity;
		this.mask = capacity - 1;
		this.minChunk = Math.max(RingLayout.RECORD_HEADER, capacity / 8);
		this.locks = locks;
	}

	/** Reads the 8 bytes at a position: a record header or a scalar payload, which never straddle the end. */
	long readLong(long position) {
		return this.memory.getLong(RingLayout.DATA + index(position));
	}

	/** Writes the 8 bytes at a position: a record header or a scalar payload, which never straddle the end. */
	void writeLong(long position, long value) {
		this.memory.setLong(RingLayout.DATA + index(position), value);
	}

	/** Writes a payload larger than the ring in chunks as space frees, publishing each; all but the last chunk. */
	void stream(long position, byte[] payload, int offset, int length, long region) {
		long at = position;
		long done = 0;
		while (true) {
			long n = Math.min(free(at), region - done);
			if (n > 0) {
				long copy = Math.min(n, length - done);
				if (copy > 0) {
					copyIn(at, payload, offset + (int) done, (int) copy);
				}
				at += n;
				done += n;
			}
			if (done == region) {
				return; // the caller publishes the last chunk with the count
			}
			this.memory.setLongRelease(RingLayout.TAIL, at);
			long pos = at;
			long want = Math.min(region - done, this.minChunk);
			Waiting.untilUninterruptibly(() -> freeNow(pos) >= want, Waiting.FOREVER, this.locks::checkPeers);
		}
	}

	long free(long tail) {
		long free = this.capacity - (tail - this.knownHead);
		return (free > 0) ? free : freeNow(tail);
	}

	long freeNow(long tail) {
		this.knownHead = this.memory.getLong(RingLayout.HEAD);
		return this.capacity - (tail - this.knownHead);
	}

	void copyIn(long position, byte[] from, int start, int length) {
		int at = index(position);
		int first = Math.min(length, this.capacity - at);
		this.memory.write(RingLayout.DATA + at, from, start, first);
		if (first < length) {
			this.memory.write(RingLayout.DATA, from, start + first, length - first);
		}
	}

	/** Reads a payload still being streamed, chunk by chunk, freeing space for the producer after each. */
	void receive(long position, byte[] into, long region) {
		long at = position;
		long done = 0;
		while (true) {
			long n = Math.min(available(at), region - done);
			if (n > 0) {
				long copy = Math.min(n, into.length - done);
				if (copy > 0) {
					copyOut(at, into, (int) done, (int) copy);
				}
				at += n;
				done += n;
			}
			if (done == region) {
				return; // the caller frees the last chunk with the count
			}
			this.memory.setLongRelease(RingLayout.HEAD, at);
			long pos = at;
			long want = Math.min(region - done, this.minChunk);
			Waiting.untilUninterruptibly(() -> availableNow(pos) >= want, Waiting.FOREVER, this.locks::checkPeers);
		}
	}

	long available(long head) {
		long available = this.knownTail - head;
		return (available > 0) ? available : availableNow(head);
	}

	long availableNow(long head) {
		this.knownTail = this.memory.getLong(RingLayout.TAIL);
		return this.knownTail - head;
	}

	void copyOut(long position, byte[] into, int start, int length) {
		int at = index(position);
		int first = Math.min(length, this.capacity - at);
		this.memory.read(RingLayout.DATA + at, into, start, first);
		if (first < length) {
			this.memory.read(RingLayout.DATA, into, start + first, length - first);
		}
	}

	private int index(long position) {
		return (int) position & this.mask;
	}

}

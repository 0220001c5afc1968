package dev.mp.sync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.shm.SharedMemory;

/**
 * The put-lock and take-lock words of a {@link SharedRing}, and what happens when a process holding one died. Each
 * side records where the record it works on ends ({@code writeEnd}, {@code readEnd}). A waiter that finds a lock
 * held by a dead process checks it: between records the lock is simply taken back; in the middle of a record the
 * ring is marked broken with the dead pid, and every later call throws.
 */
final class RingLocks {

	// under the ring's name, where its log settings already apply
	private static final Logger logger = LoggerFactory.getLogger(SharedRing.class);

	private static final int PUTTING = 1;

	private static final int TAKING = 2;

	/** Broken by a record header no put writes: a process with the ring's memory wrote over it. */
	private static final int GARBLED = 3;

	private final SharedMemory memory;

	private final String name;

	RingLocks(SharedMemory memory, String name) {
		this.memory = memory;
		this.name = name;
	}

	boolean tryLock(int word, long me) {
		return this.memory.getLong(word) == 0 && this.memory.compareAndSetLong(word, 0, me);
	}

	void unlock(int word) {
		this.memory.setLongRelease(word, 0);
	}

	/** Housekeeping of every long wait: fails if the ring broke, and takes back locks of dead processes. */
	void checkPeers() {
		checkNotBroken();
		inspect(RingLayout.PUT_OWNER, RingLayout.TAIL, RingLayout.WRITE_END, PUTTING);
		inspect(RingLayout.TAKE_OWNER, RingLayout.HEAD, RingLayout.READ_END, TAKING);
	}

	private void inspect(int lock, int position, int end, int side) {
		long owner = this.memory.getLong(lock);
		if (owner == 0 || Owners.alive(Owners.pid(owner))) {
			return;
		}
		boolean midRecord = this.memory.getLong(position) != this.memory.getLong(end);
		if (this.memory.getLong(lock) != owner) {
			return; // taken over meanwhile: what we read may be the new owner's
		}
		if (midRecord) {
			this.memory.compareAndSetLong(RingLayout.BROKEN, 0, ((long) Owners.pid(owner) << 8) | side);
			checkNotBroken();
		}
		if (this.memory.compareAndSetLong(lock, owner, 0)) {
			// a consumer waits for data holding its lock, so this is what killing an idle consumer leaves
			logger.info("Process {} died holding the {} lock of {} between messages: released it for the others",
					Owners.pid(owner), (side == PUTTING) ? "put" : "take", this.name);
		}
	}

	/**
	 * Breaks the ring for every process: the record at its head has a header no put writes (a negative length), so
	 * nothing after it can be found.
	 * @throws IllegalStateException always
	 */
	void breakGarbled() {
		this.memory.compareAndSetLong(RingLayout.BROKEN, 0, ((long) Owners.pid(Owners.currentThread()) << 8) | GARBLED);
		checkNotBroken();
	}

	void checkNotBroken() {
		long broken = this.memory.getLong(RingLayout.BROKEN);
		if ((broken & 0xFF) == GARBLED) {
			throw new IllegalStateException(this.name + " is broken: process " + (broken >>> 8) + " found a message "
					+ "header in it that no put writes, written over by a process with access to its shared memory; "
					+ "make a new one");
		}
		if (broken != 0) {
			throw new IllegalStateException(this.name + " is broken: process " + (broken >>> 8) + " died while "
					+ (((broken & 0xFF) == PUTTING) ? "putting a message into it" : "taking a message from it")
					+ ", leaving a message half " + (((broken & 0xFF) == PUTTING) ? "written" : "read")
					+ ". A process killed while it puts or takes may break a queue, as in Python; make a new one");
		}
	}

}

package dev.mp.sync;

import java.lang.ref.Cleaner;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.shm.SharedMemory;

/**
 * Which processes hold each end of a {@link Pipe}, counted in shared memory so that the pipe ends, as a Python pipe
 * reaches end-of-file, once no live process holds one of its ends. Both ends' tables follow the first end's ring,
 * which every holder of either end maps (it receives from that ring or sends into it). A process that holds an end
 * has a slot in that end's table with its pid and how many times it holds it; a slot whose process died counts as
 * closed. Ending shuts the pipe's rings down: what was sent can still be received, then receiving throws, and
 * sending throws at once.
 */
final class PipeHolders {

	/** Processes that can hold one end at once and be found dead; holds beyond are counted without a pid. */
	private static final int SLOTS = 64;

	/** Per end: the count of holds beyond the slots, which keep the end open until released, then the slots. */
	private static final int TABLE = 8 + SLOTS * 8;

	/** The bytes the tables take after the first end's ring. */
	static final int BYTES = 2 * TABLE;

	/** This process's pid as it stands in the high half of a slot. */
	private static final long THIS_PROCESS = (long) Owners.PID << 32;

	/** Releases the holds of ends that were garbage-collected without being closed. */
	private static final Cleaner RELEASES = Cleaner.create();

	private final SharedMemory memory;

	private final int tables;

	private final SharedMemory[] rings;

	/** When {@link #check} looks next; racy between threads, which at worst makes one look more. */
	private long nextCheck;

	/**
	 * The holders of a pipe as this process sees them.
	 * @param first the first end's memory: its ring, then the tables
	 * @param secondRing the second end's memory where it receives too (a duplex pipe), else {@code null}
	 */
	PipeHolders(SharedMemory first, @Nullable SharedMemory secondRing) {
		this.memory = first;
		this.tables = RingLayout.bytesFor(first.getInt(RingLayout.CAPACITY));
		this.rings = (secondRing != null) ? new SharedMemory[] { first, secondRing } : new SharedMemory[] { first };
		this.nextCheck = System.nanoTime();
	}

	/**
	 * Counts this process as holding an end once more, until the returned hold is cleaned: when the end is closed, or
	 * once {@code holder} is garbage-collected.
	 * @param end 0 for the first end, 1 for the second
	 */
	Cleaner.Cleanable hold(Object holder, int end) {
		int table = this.tables + end * TABLE;
		int counter = claim(table);
		return RELEASES.register(holder, () -> release(table, counter));
	}

	/**
	 * Ends the pipe if a holder died and left an end with none; what waits on the pipe runs it every few milliseconds,
	 * and it does nothing when called again sooner.
	 */
	void check() {
		long now = System.nanoTime();
		if (now - this.nextCheck < 0) {
			return;
		}
		this.nextCheck = now + Waiting.HOUSEKEEPING_NANOS;
		if (!held(this.tables) || !held(this.tables + TABLE)) {
			end();
		}
	}

	/** The word that counts this hold: this process's slot, claimed if it has none, or the table's overflow count. */
	private int claim(int table) {
		search: while (true) {
			int free = 0;
			for (int slot = table + 8; slot < table + TABLE; slot += 8) {
				long word = this.memory.getLong(slot);
				if (word == 0) {
					free = (free != 0) ? free : slot;
				}
				else if ((word & ~0xFFFF_FFFFL) == THIS_PROCESS) {
					if (this.memory.compareAndSetLong(slot, word, word + 1)) {
						return slot;
					}
					continue search; // another thread of this process released or held it meanwhile
				}
			}
			if (free == 0) {
				this.memory.getAndAddLong(table, 1);
				return table;
			}
			if (this.memory.compareAndSetLong(free, 0, THIS_PROCESS | 1)) {
				return free;
			}
		}
	}

	/** Gives back one hold; the last holder of an end ends the pipe. */
	private void release(int table, int counter) {
		if (counter == table) {
			this.memory.getAndAddLong(table, -1);
		}
		else {
			long word;
			do {
				word = this.memory.getLong(counter);
			}
			while (!this.memory.compareAndSetLong(counter, word, ((word & 0xFFFF_FFFFL) > 1) ? word - 1 : 0));
		}
		if (!held(table)) {
			end();
		}
	}

	/** Whether a live process holds the end of this table; frees the slots of dead ones. */
	private boolean held(int table) {
		boolean held = this.memory.getLong(table) > 0;
		for (int slot = table + 8; slot < table + TABLE; slot += 8) {
			long word = this.memory.getLong(slot);
			if (word != 0) {
				if (Owners.alive(Owners.pid(word))) {
					held = true;
				}
				else {
					this.memory.compareAndSetLong(slot, word, 0);
				}
			}
		}
		return held;
	}

	private void end() {
		for (SharedMemory ring : this.rings) {
			ring.setInt(RingLayout.SHUTDOWN, 1);
		}
	}

}

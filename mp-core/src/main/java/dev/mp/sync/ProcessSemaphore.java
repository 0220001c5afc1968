package dev.mp.sync;

import java.io.Serial;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A counting semaphore shared between processes, like Python's {@code multiprocessing.Semaphore} and
 * {@code BoundedSemaphore}, with {@link java.util.concurrent.Semaphore}'s method names. Permits are one word of shared
 * memory: acquiring and releasing are compare-and-sets.
 *
 * <p>A bounded semaphore refuses a release that would raise the permits above the initial count.
 *
 * <p><b>When a holder dies.</b> Each process's outstanding permits are counted in a table of {@value #SLOTS} slots; a
 * waiter that finds a slot of a dead process returns its permits to the semaphore (within about 20 ms) and logs a
 * warning. Permits taken by more than {@value #SLOTS} processes at once, or released by a process that did not take
 * them, are not tracked and cannot be recovered.
 */
public final class ProcessSemaphore extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final Logger logger = LoggerFactory.getLogger(ProcessSemaphore.class);

	private static final int PERMITS = 0;

	private static final int RECOVERED = 8;

	private static final int TABLE = 64;

	static final int SLOTS = 64;

	private final int initialPermits;

	private final boolean bounded;

	ProcessSemaphore(SharedObjects owner, int permits, boolean bounded) {
		super(owner, owner.allocate(bounded ? "bounded-semaphore" : "semaphore", TABLE + SLOTS * 8));
		this.initialPermits = permits;
		this.bounded = bounded;
		memory().setLong(PERMITS, permits);
	}

	/** Takes a permit, waiting for one. */
	public void acquire() throws InterruptedException {
		acquire(1);
	}

	/** Takes permits, waiting for them all to be available at once. */
	public void acquire(int permits) throws InterruptedException {
		checkPermits(permits);
		if (!tryTake(permits)) {
			Waiting.until(() -> tryTake(permits), Waiting.FOREVER, this::recoverFromDeadHolders);
		}
	}

	/** Takes a permit, waiting uninterruptibly. */
	public void acquireUninterruptibly() {
		if (!tryTake(1)) {
			Waiting.untilUninterruptibly(() -> tryTake(1), Waiting.FOREVER, this::recoverFromDeadHolders);
		}
	}

	/** Takes a permit if one is available now. */
	public boolean tryAcquire() {
		return tryTake(1);
	}

	/** Takes a permit, waiting at most the given time. */
	public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
		return tryAcquire(1, timeout, unit);
	}

	/** Takes permits, waiting at most the given time for all of them. */
	public boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException {
		checkPermits(permits);
		return tryTake(permits)
				|| Waiting.until(() -> tryTake(permits), Waiting.deadline(timeout, unit), this::recoverFromDeadHolders);
	}

	/** Returns a permit. */
	public void release() {
		release(1);
	}

	/**
	 * Returns permits.
	 * @throws IllegalStateException when the semaphore is bounded and this would exceed its initial permits
	 */
	public void release(int permits) {
		checkPermits(permits);
		SharedMemory memory = memory();
		while (true) {
			long available = memory.getLong(PERMITS);
			if (this.bounded && available + permits > this.initialPermits) {
				throw new IllegalStateException(name() + " released too many times: it is bounded to "
						+ this.initialPermits + " permits and " + available + " are available");
			}
			if (memory.compareAndSetLong(PERMITS, available, available + permits)) {
				break;
			}
		}
		untrack(permits);
	}

	/** Permits available now. */
	public int availablePermits() {
		return (int) memory().getLong(PERMITS);
	}

	/** Whether releases beyond the initial permits are refused. */
	public boolean isBounded() {
		return this.bounded;
	}

	/** How many permits were returned from processes that died holding them. */
	public long recoveredPermits() {
		return memory().getLong(RECOVERED);
	}

	private static void checkPermits(int permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be positive: " + permits);
		}
	}

	private boolean tryTake(int permits) {
		SharedMemory memory = memory();
		long available = memory.getLong(PERMITS);
		while (available >= permits) {
			if (memory.compareAndSetLong(PERMITS, available, available - permits)) {
				track(permits);
				return true;
			}
			available = memory.getLong(PERMITS);
		}
		return false;
	}

	/** Counts permits this process holds in its slot, claiming a free slot the first time. */
	private void track(int permits) {
		SharedMemory memory = memory();
		int free = -1;
		for (int slot = 0; slot < SLOTS; slot++) {
			int offset = TABLE + slot * 8;
			long word = memory.getLong(offset);
			if (Owners.pid(word) == Owners.PID) {
				memory.getAndAddLong(offset, permits);
				return;
			}
			if (word == 0 && free < 0) {
				free = offset;
			}
		}
		if (free >= 0 && memory.compareAndSetLong(free, 0, ((long) Owners.PID << 32) | permits)) {
			return;
		}
		if (free >= 0) {
			track(permits);
		}
	}

	private void untrack(int permits) {
		SharedMemory memory = memory();
		for (int slot = 0; slot < SLOTS; slot++) {
			int offset = TABLE + slot * 8;
			long word = memory.getLong(offset);
			if (Owners.pid(word) == Owners.PID) {
				long held = word & 0xFFFF_FFFFL;
				long next = (held <= permits) ? 0 : word - permits;
				// only this process changes its own slot, except a recovery, which needs the process dead
				memory.setLong(offset, next);
				return;
			}
		}
	}

	private void recoverFromDeadHolders() {
		SharedMemory memory = memory();
		for (int slot = 0; slot < SLOTS; slot++) {
			int offset = TABLE + slot * 8;
			long word = memory.getLong(offset);
			if (word != 0 && !Owners.alive(Owners.pid(word)) && memory.compareAndSetLong(offset, word, 0)) {
				long held = word & 0xFFFF_FFFFL;
				memory.getAndAddLong(PERMITS, held);
				memory.getAndAddLong(RECOVERED, held);
				logger.warn("Process {} died holding {} permit(s) of {}: returned them", Owners.pid(word), held,
						name());
			}
		}
	}

}

package dev.mp.sync;

import java.io.Serial;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.shm.SharedMemory;

/**
 * A counting semaphore shared between processes, like Python's {@code multiprocessing.Semaphore} and
 * {@code BoundedSemaphore}, with {@link java.util.concurrent.Semaphore}'s method names. Permits are one word of shared
 * memory: acquiring and releasing are compare-and-sets.
 *
 * <p>A bounded semaphore refuses a release that would raise the permits above the initial count.
 *
 * <p><b>When a holder dies.</b> Each process counts the permits it took and has not given back in a slot of a table of
 * {@value #SLOTS}; a waiter that finds the slot of a process that died (killed, crashed, halted) returns those
 * permits to the semaphore (within about 20 ms) and logs a warning. A process that exits in order (its shutdown
 * hooks run) clears its slot: what it took was used, as when a consumer takes a signal another process released.
 * Beyond {@value #SLOTS} processes, permits are not tracked and cannot be recovered.
 */
public final class ProcessSemaphore extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final Logger logger = LoggerFactory.getLogger(ProcessSemaphore.class);

	private static final int PERMITS = 0;

	private static final int RECOVERED = 8;

	private static final int TABLE = 64;

	static final int SLOTS = 64;

	/** Semaphores whose slot this process holds, cleared when it exits in order. */
	static final Set<ProcessSemaphore> HELD_HERE = new HashSet<>();

	/** Whether the hook that clears {@link #HELD_HERE}'s slots at exit is registered; guarded by HELD_HERE. */
	private static boolean exitHookAdded;

	private final int initialPermits;

	/** The offset of this process's slot in the table; 0 before it is claimed, -1 if the table was full. */
	private transient volatile int slot;

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

	/** Counts permits this process took, in its slot. */
	private void track(int permits) {
		int offset = slot();
		if (offset >= 0) {
			addToSlot(offset, permits);
		}
	}

	/** Counts permits this process gave back, down to 0: it may also release permits others took. */
	private void untrack(int permits) {
		int offset = slot();
		if (offset >= 0) {
			addToSlot(offset, -permits);
		}
	}

	/** Changes this process's count; only its own threads change its slot while it lives, but they race. */
	private void addToSlot(int offset, int delta) {
		SharedMemory memory = memory();
		while (true) {
			long word = memory.getLong(offset);
			long count = Math.max(0, (word & 0xFFFF_FFFFL) + delta);
			if (memory.compareAndSetLong(offset, word, ((long) Owners.PID << 32) | count)) {
				return;
			}
		}
	}

	/**
	 * This process's slot, claimed the first time: it keeps it, with its pid, until it exits. An orderly exit
	 * clears it (what it took was used, not lost); a death leaves it for a waiter to recover. -1 when the table is
	 * full.
	 */
	private int slot() {
		int claimed = this.slot;
		return (claimed != 0) ? claimed : claimSlot();
	}

	private synchronized int claimSlot() {
		if (this.slot != 0) {
			return this.slot;
		}
		SharedMemory memory = memory();
		for (int index = 0; index < SLOTS && this.slot == 0; index++) {
			int offset = TABLE + index * 8;
			if (memory.compareAndSetLong(offset, 0, (long) Owners.PID << 32)) {
				this.slot = offset;
				clearAtExit(this);
			}
		}
		if (this.slot == 0) {
			this.slot = -1;
		}
		return this.slot;
	}

	private static void clearAtExit(ProcessSemaphore semaphore) {
		synchronized (HELD_HERE) {
			if (!exitHookAdded) {
				Runtime.getRuntime().addShutdownHook(exitHook());
				exitHookAdded = true;
			}
			HELD_HERE.add(semaphore);
		}
	}

	/**
	 * The hook that clears this process's slots. A thread keeps the context class loader of the thread that made it
	 * and, on Java 17, the protection domains of the code on its stack: made on a caller's thread under Spring Boot
	 * DevTools, the hook would keep that restart's class loader, and its classes, alive through every later restart.
	 */
	@SuppressWarnings("removal")
	static Thread exitHook() {
		Thread hook = AccessController.doPrivileged((PrivilegedAction<Thread>) () -> new Thread(() -> {
			synchronized (HELD_HERE) {
				HELD_HERE.forEach((held) -> held.memory().setLong(held.slot, 0));
			}
		}, "mp-semaphores-exit"));
		hook.setContextClassLoader(ProcessSemaphore.class.getClassLoader());
		return hook;
	}

	/**
	 * Also clears this process's slot record now, as the exit hook would, so that the hook need not keep this object
	 * and its memory until exit: what this process took, it keeps, as when it exits in order.
	 */
	@Override
	public void close() {
		synchronized (HELD_HERE) {
			if (HELD_HERE.remove(this)) {
				memory().setLong(this.slot, 0);
				// no record from here on: the cleared slot may be another process's by the next acquire
				this.slot = -1;
			}
		}
		super.close();
	}

	private void recoverFromDeadHolders() {
		SharedMemory memory = memory();
		for (int slot = 0; slot < SLOTS; slot++) {
			int offset = TABLE + slot * 8;
			long word = memory.getLong(offset);
			if (word != 0 && !Owners.alive(Owners.pid(word)) && memory.compareAndSetLong(offset, word, 0)
					&& (word & 0xFFFF_FFFFL) > 0) {
				long held = word & 0xFFFF_FFFFL;
				memory.getAndAddLong(PERMITS, held);
				memory.getAndAddLong(RECOVERED, held);
				logger.warn("Process {} died holding {} permit(s) of {}: returned them", Owners.pid(word), held,
						name());
			}
		}
	}

}

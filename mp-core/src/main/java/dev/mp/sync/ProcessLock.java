package dev.mp.sync;

import java.io.Serial;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.shm.SharedMemory;

/**
 * A {@link Lock} that excludes threads in every process that has it, like Python's {@code multiprocessing.Lock} and
 * {@code RLock}. The lock is one word of shared memory holding its owner (process id and thread): taking a free lock
 * is a single compare-and-set, with no system call.
 *
 * <p>Only the owning thread may unlock, as with {@link java.util.concurrent.locks.ReentrantLock}. A reentrant lock
 * counts holds; a plain one refuses to be taken twice by the same thread (it would wait for itself forever).
 *
 * <p><b>When the owner dies.</b> A process that dies holding the lock does not deadlock the others: a waiter notices
 * within about 20 ms that the owner's process is gone, logs a warning naming it, and the lock passes on to the
 * waiters as if it had been unlocked. What the dead owner was doing under the lock is not undone: check the data it
 * guards. {@link #ownerDeaths()} counts such recoveries.
 */
public final class ProcessLock extends SharedObject implements Lock {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final Logger logger = LoggerFactory.getLogger(ProcessLock.class);

	static final int BYTES = 64;

	private static final int OWNER = 0;

	private static final int HOLDS = 8;

	private static final int OWNER_DEATHS = 16;

	private final boolean reentrant;

	ProcessLock(SharedObjects owner, boolean reentrant) {
		this(owner, reentrant ? "rlock" : "lock", reentrant);
	}

	/** A lock whose file, and so its name in messages, says what it guards, such as {@code map-lock-3}. */
	ProcessLock(SharedObjects owner, String kind, boolean reentrant) {
		super(owner, owner.allocate(kind, BYTES));
		this.reentrant = reentrant;
	}

	/** Whether the owning thread may take this lock again (it must then unlock as many times). */
	public boolean isReentrant() {
		return this.reentrant;
	}

	@Override
	public void lock() {
		if (!tryAcquire()) {
			Waiting.untilUninterruptibly(this::tryAcquire, Waiting.FOREVER, this::recoverFromDeadOwner);
		}
	}

	@Override
	public void lockInterruptibly() throws InterruptedException {
		if (!tryAcquire()) {
			Waiting.until(this::tryAcquire, Waiting.FOREVER, this::recoverFromDeadOwner);
		}
	}

	/** Takes the lock if it is free now; false if another thread holds it, or this one and it is not reentrant. */
	@Override
	public boolean tryLock() {
		return (this.reentrant || !isHeldByCurrentThread()) && tryAcquire();
	}

	@Override
	public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
		return tryAcquire() || Waiting.until(this::tryAcquire, Waiting.deadline(time, unit), this::recoverFromDeadOwner);
	}

	@Override
	public void unlock() {
		SharedMemory memory = memory();
		long me = Owners.currentThread();
		if (memory.getLong(OWNER) != me) {
			throw new IllegalMonitorStateException(name() + " is not held by this thread");
		}
		// the hold count is the owner's alone; the release store that frees the lock publishes it to the next owner
		long holds = memory.getLongPlain(HOLDS) - 1;
		memory.setLongPlain(HOLDS, holds);
		if (holds == 0) {
			memory.setLongRelease(OWNER, 0);
		}
	}

	/** A condition bound to this lock, shared between processes like the lock. */
	@Override
	public Condition newCondition() {
		SharedObjects owner = owner();
		if (owner == null) {
			throw new UnsupportedOperationException("Make conditions in the process that made " + name()
					+ ", and pass them to the others");
		}
		return owner.register(new ProcessCondition(owner, this));
	}

	/** Whether any thread, in any process, holds this lock. */
	public boolean isLocked() {
		return memory().getLong(OWNER) != 0;
	}

	/** Whether the calling thread holds this lock. */
	public boolean isHeldByCurrentThread() {
		return memory().getLong(OWNER) == Owners.currentThread();
	}

	/** The pid of the process holding this lock, or 0 when it is free. */
	public long ownerPid() {
		return Owners.pid(memory().getLong(OWNER));
	}

	/** How many times the lock was taken back from a process that died holding it. */
	public long ownerDeaths() {
		return memory().getLong(OWNER_DEATHS);
	}

	/** The calling thread's holds: 0 when it does not own the lock. */
	int holds() {
		return isHeldByCurrentThread() ? (int) memory().getLongPlain(HOLDS) : 0;
	}

	/** Releases every hold of the calling thread, for a condition wait; returns them for {@link #restore}. */
	int releaseAll() {
		int holds = holds();
		if (holds == 0) {
			throw new IllegalMonitorStateException(name() + " is not held by this thread");
		}
		memory().setLongPlain(HOLDS, 0);
		memory().setLongRelease(OWNER, 0);
		return holds;
	}

	/** Takes the lock back after a condition wait, with the holds it had. */
	void restore(int holds) {
		lock();
		memory().setLongPlain(HOLDS, holds);
	}

	private boolean tryAcquire() {
		SharedMemory memory = memory();
		long me = Owners.currentThread();
		long owner = memory.getLong(OWNER);
		if (owner == 0 && memory.compareAndSetLong(OWNER, 0, me)) {
			memory.setLongPlain(HOLDS, 1);
			return true;
		}
		if (owner == me) {
			if (!this.reentrant) {
				throw new IllegalStateException(name() + " is already held by this thread and is not reentrant: it "
						+ "would wait for itself forever (use ProcessTemplate.reentrantLock() to take it again)");
			}
			memory.setLongPlain(HOLDS, memory.getLongPlain(HOLDS) + 1);
			return true;
		}
		return false;
	}

	private void recoverFromDeadOwner() {
		SharedMemory memory = memory();
		long owner = memory.getLong(OWNER);
		if (owner != 0 && !Owners.alive(Owners.pid(owner)) && memory.compareAndSetLong(OWNER, owner, 0)) {
			memory.getAndAddLong(OWNER_DEATHS, 1);
			logger.warn("Process {} died holding {}: released it for the processes waiting (what it did under the "
					+ "lock may be incomplete)", Owners.pid(owner), name());
		}
	}

}

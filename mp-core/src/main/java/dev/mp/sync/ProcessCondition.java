package dev.mp.sync;

import java.io.Serial;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A {@link Condition} of a {@link ProcessLock}, shared between processes. One word of shared memory counts the
 * waiters (high half) and the wake-ups handed out but not yet taken (low half): {@link #signal()} hands out one,
 * {@link #signalAll()} one per waiter, and a waiter leaves when it takes one. As the interface allows, a waiter that
 * arrives after a signal may take that wake-up before an earlier one; none is lost.
 */
final class ProcessCondition extends SharedObject implements Condition {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final int STATE = 0;

	private static final Runnable NOTHING = () -> {
	};

	private final ProcessLock lock;

	ProcessCondition(SharedObjects owner, ProcessLock lock) {
		super(owner, owner.allocate("condition", ProcessLock.BYTES));
		this.lock = lock;
	}

	@Override
	public void await() throws InterruptedException {
		awaitUntilDeadline(Waiting.FOREVER);
	}

	@Override
	public void awaitUninterruptibly() {
		int holds = enter();
		Waiting.untilUninterruptibly(this::takeWakeUp, Waiting.FOREVER, NOTHING);
		this.lock.restore(holds);
	}

	@Override
	public long awaitNanos(long nanosTimeout) throws InterruptedException {
		long deadline = Waiting.deadline(nanosTimeout, TimeUnit.NANOSECONDS);
		awaitUntilDeadline(deadline);
		return deadline - System.nanoTime();
	}

	@Override
	public boolean await(long time, TimeUnit unit) throws InterruptedException {
		return awaitUntilDeadline(Waiting.deadline(time, unit));
	}

	@Override
	public boolean awaitUntil(Date deadline) throws InterruptedException {
		return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void signal() {
		handOut(false);
	}

	@Override
	public void signalAll() {
		handOut(true);
	}

	private boolean awaitUntilDeadline(long deadline) throws InterruptedException {
		int holds = enter();
		boolean woken;
		try {
			woken = Waiting.until(this::takeWakeUp, deadline, NOTHING);
		}
		catch (InterruptedException ex) {
			leave();
			this.lock.restore(holds);
			throw ex;
		}
		if (!woken) {
			leave();
		}
		this.lock.restore(holds);
		return woken;
	}

	/** Counts the caller as a waiter, then lets go of the lock. */
	private int enter() {
		if (!this.lock.isHeldByCurrentThread()) {
			throw new IllegalMonitorStateException(this.lock.name() + " is not held by this thread");
		}
		memory().getAndAddLong(STATE, 1L << 32);
		return this.lock.releaseAll();
	}

	private boolean takeWakeUp() {
		SharedMemory memory = memory();
		long state = memory.getLong(STATE);
		return (int) state > 0 && memory.compareAndSetLong(STATE, state, state - (1L << 32) - 1);
	}

	/** A waiter that timed out or was interrupted stops counting; a wake-up left over becomes a spurious one. */
	private void leave() {
		SharedMemory memory = memory();
		while (true) {
			long state = memory.getLong(STATE);
			long waiters = (state >>> 32) - 1;
			long wakeUps = Math.min((int) state, waiters);
			if (memory.compareAndSetLong(STATE, state, (waiters << 32) | wakeUps)) {
				return;
			}
		}
	}

	private void handOut(boolean all) {
		if (!this.lock.isHeldByCurrentThread()) {
			throw new IllegalMonitorStateException(this.lock.name() + " is not held by this thread");
		}
		SharedMemory memory = memory();
		while (true) {
			long state = memory.getLong(STATE);
			long waiters = state >>> 32;
			long wakeUps = (int) state;
			if (wakeUps >= waiters) {
				return;
			}
			long next = (waiters << 32) | (all ? waiters : wakeUps + 1);
			if (memory.compareAndSetLong(STATE, state, next)) {
				return;
			}
		}
	}

}

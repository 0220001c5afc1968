package dev.mp.sync;

import java.io.Serial;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

import dev.mp.internal.shm.SharedMemory;

/**
 * A {@link Condition} of a {@link ProcessLock}, shared between processes. Waiters take tickets in order; one word
 * holds the next ticket (high half) and how many tickets are released (low half): {@link #signal()} releases the
 * oldest waiting ticket, {@link #signalAll()} every ticket taken so far, and a waiter leaves once its ticket is
 * released, so a signal reaches the waiters that were waiting when it was sent, never a later one. A waiter that
 * gives up (timeout, interrupt) before its ticket is released leaves a credit that the next signal spends on one
 * more ticket, so no signal is lost to it; at worst a waiter wakes spuriously, as the interface allows.
 */
final class ProcessCondition extends SharedObject implements Condition {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final int STATE = 0;

	/** Tickets given up before they were released, each owed one more release by the next signal. */
	private static final int CREDITS = 8;

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
		long ticket = enter();
		int holds = this.lock.releaseAll();
		Waiting.untilUninterruptibly(() -> released(ticket), Waiting.FOREVER, NOTHING);
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
		long ticket = enter();
		int holds = this.lock.releaseAll();
		boolean woken;
		try {
			woken = Waiting.until(() -> released(ticket), deadline, NOTHING);
		}
		catch (InterruptedException ex) {
			leave(ticket);
			this.lock.restore(holds);
			throw ex;
		}
		if (!woken) {
			woken = !leave(ticket);
		}
		this.lock.restore(holds);
		return woken;
	}

	/** Takes the next ticket; the caller holds the lock. */
	private long enter() {
		if (!this.lock.isHeldByCurrentThread()) {
			throw new IllegalMonitorStateException(this.lock.name() + " is not held by this thread");
		}
		return memory().getAndAddLong(STATE, 1L << 32) >>> 32;
	}

	private boolean released(long ticket) {
		return (memory().getLong(STATE) & 0xFFFF_FFFFL) > ticket;
	}

	/**
	 * Gives up a ticket not released yet, leaving a credit for the next signal.
	 * @return false if it was released meanwhile (the caller was woken after all)
	 */
	private boolean leave(long ticket) {
		if (released(ticket)) {
			return false;
		}
		memory().getAndAddLong(CREDITS, 1);
		return true;
	}

	private void handOut(boolean all) {
		if (!this.lock.isHeldByCurrentThread()) {
			throw new IllegalMonitorStateException(this.lock.name() + " is not held by this thread");
		}
		SharedMemory memory = memory();
		// signalAll releases every ticket, the given-up ones too: their credits are spent either way
		long credits = memory.getAndSetLong(CREDITS, 0);
		while (true) {
			long state = memory.getLong(STATE);
			long tickets = state >>> 32;
			long released = state & 0xFFFF_FFFFL;
			long next = all ? tickets : Math.min(tickets, released + 1 + credits);
			if (next == released || memory.compareAndSetLong(STATE, state, (tickets << 32) | next)) {
				return;
			}
		}
	}


}

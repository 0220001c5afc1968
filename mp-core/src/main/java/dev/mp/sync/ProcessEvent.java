package dev.mp.sync;

import java.io.Serial;
import java.util.concurrent.TimeUnit;

/**
 * A flag shared between processes that threads can wait for, like Python's {@code multiprocessing.Event}: {@link #set()}
 * wakes every waiter, in every process, and later waits return at once until {@link #clear()}. Waiters look at the
 * flag (spinning, then every millisecond at most): a {@code clear()} right after {@code set()} can hide the set from a
 * waiter that was parked.
 */
public final class ProcessEvent extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final int FLAG = 0;

	private static final Runnable NOTHING = () -> {
	};

	ProcessEvent(SharedObjects owner) {
		super(owner, owner.allocate("event", ProcessLock.BYTES));
	}

	/** Sets the flag, waking all waiters. */
	public void set() {
		memory().setInt(FLAG, 1);
	}

	/** Clears the flag: later waits wait for the next {@link #set()}. */
	public void clear() {
		memory().setInt(FLAG, 0);
	}

	/** Whether the flag is set. */
	public boolean isSet() {
		return memory().getInt(FLAG) != 0;
	}

	/** Waits until the flag is set. */
	public void await() throws InterruptedException {
		Waiting.until(this::isSet, Waiting.FOREVER, NOTHING);
	}

	/**
	 * Waits until the flag is set, at most the given time.
	 * @return whether the flag is set (false when the time ran out)
	 */
	public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
		return Waiting.until(this::isSet, Waiting.deadline(timeout, unit), NOTHING);
	}

}

package dev.mp.sync;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition on shared memory that another process will make true. There is no cross-process futex in
 * Java, so a waiter spins briefly (a hand-off between running processes takes well under a microsecond), then
 * yields, then parks for doubling intervals up to {@link #MAX_PARK_NANOS}: a waiter that has been idle a while sees
 * the change within that bound, and costs about a thousand short wake-ups a second while it waits.
 */
final class Waiting {

	private static final int SPINS = 2_000;

	private static final int YIELDS = 200;

	private static final long MIN_PARK_NANOS = 2_000;

	static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** How often a long waiter runs its housekeeping, such as looking for a dead owner. */
	static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** No deadline. */
	static final long FOREVER = Long.MAX_VALUE;

	private Waiting() {
	}

	/** A deadline {@code timeout} from now, {@link #FOREVER} when that overflows. */
	static long deadline(long timeout, TimeUnit unit) {
		long nanos = unit.toNanos(timeout);
		long now = System.nanoTime();
		return (nanos >= FOREVER - now) ? FOREVER : now + Math.max(0, nanos);
	}

	/**
	 * Waits until {@code ready} holds or the deadline passes.
	 * @param ready checked between waits; must be cheap
	 * @param deadline a {@link System#nanoTime()} value, or {@link #FOREVER}
	 * @param housekeeping run every few milliseconds of a long wait (such as reclaiming from a dead owner)
	 * @return whether {@code ready} held
	 * @throws InterruptedException when the thread is interrupted while waiting
	 */
	static boolean until(BooleanSupplier ready, long deadline, Runnable housekeeping) throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		int rounds = 0;
		long park = MIN_PARK_NANOS;
		long nextHousekeeping = 0;
		while (!ready.getAsBoolean()) {
			if (rounds < SPINS) {
				Thread.onSpinWait();
				rounds++;
				continue;
			}
			long now = System.nanoTime();
			if (deadline != FOREVER && now - deadline >= 0) {
				return false;
			}
			if (nextHousekeeping == 0) {
				nextHousekeeping = now + HOUSEKEEPING_NANOS;
			}
			else if (now - nextHousekeeping >= 0) {
				housekeeping.run();
				nextHousekeeping = now + HOUSEKEEPING_NANOS;
			}
			if (rounds < SPINS + YIELDS) {
				Thread.yield();
				rounds++;
			}
			else {
				LockSupport.parkNanos((deadline == FOREVER) ? park : Math.min(park, deadline - now));
				park = Math.min(park * 2, MAX_PARK_NANOS);
			}
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
		return true;
	}

	/** {@link #until} that cannot be interrupted; keeps the interrupt for the caller to see afterwards. */
	static boolean untilUninterruptibly(BooleanSupplier ready, long deadline, Runnable housekeeping) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return until(ready, deadline, housekeeping);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}

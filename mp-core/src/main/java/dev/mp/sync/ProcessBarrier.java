package dev.mp.sync;

import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializableRunnable;
import dev.mp.internal.shm.SharedMemory;

/**
 * A barrier for a fixed number of parties in any processes, like Python's {@code multiprocessing.Barrier} with
 * {@link java.util.concurrent.CyclicBarrier}'s behaviour: the last party to arrive runs the action (in its own process)
 * and releases the others; it can be used again. A party that times out or is interrupted breaks the barrier for all
 * the others until {@link #reset()}.
 *
 * <p>One word holds the generation (high half) and the parties arrived (low half); another holds the number of the
 * last broken generation plus one.
 */
public final class ProcessBarrier extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final int STATE = 0;

	private static final int BROKEN = 8;

	private static final Runnable NOTHING = () -> {
	};

	private final int parties;

	private final @Nullable SerializableRunnable action;

	/** How long {@link #await()} waits, as Python's {@code Barrier(timeout=)}; {@code null} for no limit. */
	private final @Nullable Duration timeout;

	ProcessBarrier(SharedObjects owner, int parties, @Nullable SerializableRunnable action,
			@Nullable Duration timeout) {
		super(owner, owner.allocate("barrier", ProcessLock.BYTES));
		this.parties = parties;
		this.action = action;
		this.timeout = timeout;
	}

	/** Parties needed to trip the barrier. */
	public int parties() {
		return this.parties;
	}

	/** Parties waiting now. */
	public int numberWaiting() {
		long state = memory().getLong(STATE);
		return isBroken(generation(state)) ? 0 : (int) state;
	}

	/** Whether a party timed out, was interrupted, or the action failed, since the last reset. */
	public boolean isBroken() {
		return isBroken(generation(memory().getLong(STATE)));
	}

	/**
	 * Waits for all parties, at most the barrier's timeout if it was made with one; past it the barrier breaks and
	 * this throws {@link BrokenBarrierException} (caused by a {@link TimeoutException}), as Python's {@code wait()}
	 * raises {@code BrokenBarrierError}.
	 * @return the arrival index: {@code parties() - 1} for the first to arrive, 0 for the last
	 */
	public int await() throws InterruptedException, BrokenBarrierException {
		Duration limit = this.timeout;
		try {
			return await((limit != null) ? Waiting.deadline(limit.toNanos(), TimeUnit.NANOSECONDS) : Waiting.FOREVER);
		}
		catch (TimeoutException ex) {
			if (limit == null) {
				throw new IllegalStateException("waiting without a deadline timed out", ex);
			}
			BrokenBarrierException broken = new BrokenBarrierException(name() + ": not all " + this.parties
					+ " parties arrived within the barrier's timeout of " + limit + "; it is broken until reset()");
			broken.initCause(ex);
			throw broken;
		}
	}

	/** Waits for all parties, at most the given time; then breaks the barrier and throws. */
	public int await(long timeout, TimeUnit unit)
			throws InterruptedException, BrokenBarrierException, TimeoutException {
		return await(Waiting.deadline(timeout, unit));
	}

	/** Breaks the barrier for the parties waiting now (they get {@link BrokenBarrierException}) and starts afresh. */
	public void reset() {
		SharedMemory memory = memory();
		while (true) {
			long state = memory.getLong(STATE);
			int generation = generation(state);
			if ((int) state > 0) {
				breakGeneration(generation);
			}
			if (memory.compareAndSetLong(STATE, state, (long) (generation + 1) << 32)) {
				return;
			}
		}
	}

	private int await(long deadline) throws InterruptedException, BrokenBarrierException, TimeoutException {
		SharedMemory memory = memory();
		long state;
		int generation;
		int arrived;
		while (true) {
			state = memory.getLong(STATE);
			generation = generation(state);
			if (isBroken(generation)) {
				throw broken();
			}
			arrived = (int) state + 1;
			if (arrived > this.parties) {
				// every party of this generation is in and the last runs the action: arrive in the next one
				int full = generation;
				if (!Waiting.until(() -> generation(memory.getLong(STATE)) != full || isBroken(full), deadline,
						NOTHING)) {
					throw new TimeoutException(name() + ": the previous trip did not finish in time");
				}
				continue;
			}
			if (Thread.interrupted()) {
				// as CyclicBarrier: a party interrupted before it arrives breaks the barrier, even as the last one
				breakGeneration(generation);
				throw new InterruptedException(name() + ": interrupted before arriving; the barrier is broken until "
						+ "reset()");
			}
			if (memory.compareAndSetLong(STATE, state, state + 1)) {
				break;
			}
		}
		if (arrived == this.parties) {
			trip(generation);
			return 0;
		}
		int mine = generation;
		boolean passed;
		try {
			passed = Waiting.until(() -> generation(memory.getLong(STATE)) != mine || isBroken(mine), deadline,
					NOTHING);
		}
		catch (InterruptedException ex) {
			breakIfCurrent(mine);
			throw ex;
		}
		if (isBroken(mine)) {
			throw broken();
		}
		if (!passed) {
			if (breakIfCurrent(mine)) {
				throw new TimeoutException(name() + ": " + this.parties + " parties did not all arrive in time; the "
						+ "barrier is broken until reset()");
			}
			// it tripped at the deadline
		}
		return this.parties - arrived;
	}

	private void trip(int generation) throws BrokenBarrierException {
		if (this.action != null) {
			try {
				this.action.run();
			}
			catch (Exception | Error ex) {
				breakGeneration(generation);
				BrokenBarrierException broken = broken();
				broken.initCause(ex);
				throw broken;
			}
		}
		// all parties are in, so nobody else changes the word until this moves it to the next generation
		memory().compareAndSetLong(STATE, ((long) generation << 32) | this.parties, (long) (generation + 1) << 32);
	}

	/** Breaks the barrier when this generation is still the current one and not tripped. */
	private boolean breakIfCurrent(int generation) {
		if (generation(memory().getLong(STATE)) != generation) {
			return false;
		}
		breakGeneration(generation);
		return true;
	}

	private void breakGeneration(int generation) {
		memory().setLong(BROKEN, generation + 1L);
	}

	private boolean isBroken(int generation) {
		return memory().getLong(BROKEN) == generation + 1L;
	}

	private BrokenBarrierException broken() {
		return new BrokenBarrierException(name() + " is broken: a party timed out, was interrupted or its action "
				+ "failed; reset() it to use it again");
	}

	private static int generation(long state) {
		return (int) (state >>> 32);
	}

}

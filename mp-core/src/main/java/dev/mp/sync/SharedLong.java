package dev.mp.sync;

import java.io.Serial;
import java.util.function.LongUnaryOperator;

/**
 * A {@code long} in shared memory, like Python's {@code multiprocessing.Value('q')} with
 * {@link java.util.concurrent.atomic.AtomicLong}'s methods: every access is atomic and seen by all processes at once.
 * Read-modify-write sequences of several calls need a {@link ProcessLock}, or {@link #updateAndGet}.
 */
public final class SharedLong extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	SharedLong(SharedObjects owner, long initialValue) {
		super(owner, owner.allocate("long", Long.BYTES));
		set(initialValue);
	}

	public long get() {
		return memory().getLong(0);
	}

	public void set(long value) {
		memory().setLong(0, value);
	}

	public long getAndSet(long value) {
		return memory().getAndSetLong(0, value);
	}

	public boolean compareAndSet(long expected, long value) {
		return memory().compareAndSetLong(0, expected, value);
	}

	public long getAndAdd(long delta) {
		return memory().getAndAddLong(0, delta);
	}

	public long addAndGet(long delta) {
		return memory().getAndAddLong(0, delta) + delta;
	}

	public long incrementAndGet() {
		return addAndGet(1);
	}

	public long decrementAndGet() {
		return addAndGet(-1);
	}

	/** Applies a function atomically (retrying on contention); it must be free of side effects. */
	public long updateAndGet(LongUnaryOperator update) {
		while (true) {
			long current = get();
			long next = update.applyAsLong(current);
			if (compareAndSet(current, next)) {
				return next;
			}
		}
	}

	@Override
	public String toString() {
		return Long.toString(get());
	}

}

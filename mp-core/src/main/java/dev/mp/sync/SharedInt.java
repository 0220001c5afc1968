package dev.mp.sync;

import java.io.Serial;

/**
 * An {@code int} in shared memory, like Python's {@code multiprocessing.Value('i')} with
 * {@link java.util.concurrent.atomic.AtomicInteger}'s methods: every access is atomic and seen by all processes at once.
 */
public final class SharedInt extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	SharedInt(SharedObjects owner, int initialValue) {
		super(owner, owner.allocate("int", Integer.BYTES));
		set(initialValue);
	}

	public int get() {
		return memory().getInt(0);
	}

	public void set(int value) {
		memory().setInt(0, value);
	}

	public int getAndSet(int value) {
		return memory().getAndSetInt(0, value);
	}

	public boolean compareAndSet(int expected, int value) {
		return memory().compareAndSetInt(0, expected, value);
	}

	public int getAndAdd(int delta) {
		return memory().getAndAddInt(0, delta);
	}

	public int addAndGet(int delta) {
		return memory().getAndAddInt(0, delta) + delta;
	}

	public int incrementAndGet() {
		return addAndGet(1);
	}

	@Override
	public String toString() {
		return Integer.toString(get());
	}

}

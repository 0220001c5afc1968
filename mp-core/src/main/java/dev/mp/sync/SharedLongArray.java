package dev.mp.sync;

import java.io.Serial;
import java.util.Objects;

/**
 * A {@code long[]} in shared memory, like Python's {@code multiprocessing.Array('q', n)} with
 * {@link java.util.concurrent.atomic.AtomicLongArray}'s methods: each element is read and written atomically.
 */
public final class SharedLongArray extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private final int length;

	SharedLongArray(SharedObjects owner, int length) {
		super(owner, owner.allocate("long-array", Math.multiplyExact(checkLength(length), Long.BYTES)));
		this.length = length;
	}

	static int checkLength(int length) {
		if (length < 1) {
			throw new IllegalArgumentException("length must be positive: " + length);
		}
		return length;
	}

	public int length() {
		return this.length;
	}

	public long get(int index) {
		return memory().getLong(offset(index));
	}

	public void set(int index, long value) {
		memory().setLong(offset(index), value);
	}

	public boolean compareAndSet(int index, long expected, long value) {
		return memory().compareAndSetLong(offset(index), expected, value);
	}

	public long getAndAdd(int index, long delta) {
		return memory().getAndAddLong(offset(index), delta);
	}

	public long addAndGet(int index, long delta) {
		return getAndAdd(index, delta) + delta;
	}

	/** A copy of the elements, each read atomically (not the array as one snapshot). */
	public long[] toArray() {
		long[] copy = new long[this.length];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = get(i);
		}
		return copy;
	}

	private int offset(int index) {
		return Objects.checkIndex(index, this.length) * Long.BYTES;
	}

}

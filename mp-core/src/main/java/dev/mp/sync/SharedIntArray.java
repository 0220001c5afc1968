package dev.mp.sync;

import java.io.Serial;
import java.util.Objects;

/**
 * An {@code int[]} in shared memory, like Python's {@code multiprocessing.Array('i', n)} with
 * {@link java.util.concurrent.atomic.AtomicIntegerArray}'s methods: each element is read and written atomically.
 */
public final class SharedIntArray extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private final int length;

	SharedIntArray(SharedObjects owner, int length) {
		super(owner, owner.allocate("int-array",
				Math.multiplyExact(SharedLongArray.checkLength(length), Integer.BYTES)));
		this.length = length;
	}

	public int length() {
		return this.length;
	}

	public int get(int index) {
		return memory().getInt(offset(index));
	}

	public void set(int index, int value) {
		memory().setInt(offset(index), value);
	}

	public boolean compareAndSet(int index, int expected, int value) {
		return memory().compareAndSetInt(offset(index), expected, value);
	}

	public int getAndAdd(int index, int delta) {
		return memory().getAndAddInt(offset(index), delta);
	}

	public int addAndGet(int index, int delta) {
		return getAndAdd(index, delta) + delta;
	}

	/** A copy of the elements, each read atomically (not the array as one snapshot). */
	public int[] toArray() {
		int[] copy = new int[this.length];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = get(i);
		}
		return copy;
	}

	private int offset(int index) {
		return Objects.checkIndex(index, this.length) * Integer.BYTES;
	}

}

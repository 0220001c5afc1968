package dev.mp.sync;

import java.io.Serial;
import java.util.Objects;

/**
 * A {@code double[]} in shared memory, like Python's {@code multiprocessing.Array('d', n)}: each element is read,
 * written, compared-and-set (on its exact bits) and added to atomically.
 */
public final class SharedDoubleArray extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private final int length;

	SharedDoubleArray(SharedObjects owner, int length) {
		super(owner, owner.allocate("double-array",
				Math.multiplyExact(SharedLongArray.checkLength(length), Double.BYTES)));
		this.length = length;
	}

	public int length() {
		return this.length;
	}

	public double get(int index) {
		return Double.longBitsToDouble(memory().getLong(offset(index)));
	}

	public void set(int index, double value) {
		memory().setLong(offset(index), Double.doubleToRawLongBits(value));
	}

	public boolean compareAndSet(int index, double expected, double value) {
		return memory().compareAndSetLong(offset(index), Double.doubleToRawLongBits(expected),
				Double.doubleToRawLongBits(value));
	}

	public double addAndGet(int index, double delta) {
		int offset = offset(index);
		while (true) {
			long bits = memory().getLong(offset);
			double next = Double.longBitsToDouble(bits) + delta;
			if (memory().compareAndSetLong(offset, bits, Double.doubleToRawLongBits(next))) {
				return next;
			}
		}
	}

	/** A copy of the elements, each read atomically (not the array as one snapshot). */
	public double[] toArray() {
		double[] copy = new double[this.length];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = get(i);
		}
		return copy;
	}

	private int offset(int index) {
		return Objects.checkIndex(index, this.length) * Double.BYTES;
	}

}

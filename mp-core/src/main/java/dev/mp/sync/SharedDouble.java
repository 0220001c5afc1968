package dev.mp.sync;

import java.io.Serial;

/**
 * A {@code double} in shared memory, like Python's {@code multiprocessing.Value('d')}: atomic reads, writes,
 * compare-and-set (on the exact bits) and add, seen by all processes at once.
 */
public final class SharedDouble extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	SharedDouble(SharedObjects owner, double initialValue) {
		super(owner, owner.allocate("double", Double.BYTES));
		set(initialValue);
	}

	public double get() {
		return Double.longBitsToDouble(memory().getLong(0));
	}

	public void set(double value) {
		memory().setLong(0, Double.doubleToRawLongBits(value));
	}

	/** Sets {@code value} if the current value has the same bits as {@code expected}. */
	public boolean compareAndSet(double expected, double value) {
		return memory().compareAndSetLong(0, Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(value));
	}

	public double addAndGet(double delta) {
		while (true) {
			long bits = memory().getLong(0);
			double next = Double.longBitsToDouble(bits) + delta;
			if (memory().compareAndSetLong(0, bits, Double.doubleToRawLongBits(next))) {
				return next;
			}
		}
	}

	@Override
	public String toString() {
		return Double.toString(get());
	}

}

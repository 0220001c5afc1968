package dev.mp.sync;

import java.io.Serial;
import java.util.Objects;

/**
 * A {@code byte[]} in shared memory, like Python's {@code multiprocessing.Array('b', n)} or a
 * {@code shared_memory.SharedMemory} buffer: single bytes and ranges copied in and out. Ranges are plain copies: guard
 * a range that others write with a {@link ProcessLock}.
 */
public final class SharedByteArray extends SharedObject {

	@Serial
	private static final long serialVersionUID = 1L;

	private final int length;

	SharedByteArray(SharedObjects owner, int length) {
		super(owner, owner.allocate("byte-array", SharedLongArray.checkLength(length)));
		this.length = length;
	}

	public int length() {
		return this.length;
	}

	public byte get(int index) {
		return memory().getByte(Objects.checkIndex(index, this.length));
	}

	public void set(int index, byte value) {
		memory().setByte(Objects.checkIndex(index, this.length), value);
	}

	/** Copies {@code length} bytes from {@code index} into {@code into} at {@code start}. */
	public void read(int index, byte[] into, int start, int length) {
		Objects.checkFromIndexSize(index, length, this.length);
		memory().read(index, into, start, length);
	}

	/** Copies {@code length} bytes of {@code from} at {@code start} to {@code index}. */
	public void write(int index, byte[] from, int start, int length) {
		Objects.checkFromIndexSize(index, length, this.length);
		memory().write(index, from, start, length);
	}

	/** A copy of all the bytes. */
	public byte[] toArray() {
		byte[] copy = new byte[this.length];
		read(0, copy, 0, this.length);
		return copy;
	}

}

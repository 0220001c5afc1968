package dev.mp.internal.codec;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects written bytes in blocks that are never copied as they grow, unlike {@code ByteArrayOutputStream}, which
 * copies everything written so far each time it doubles: for a 1 MiB value that is twice its size in copies, and a
 * series of ever larger arrays for the garbage collector. Blocks stay small enough (at most 256 KiB) not to be the
 * "humongous" objects G1 handles at extra cost; {@link #toByteArray()} copies them once into the exact result.
 */
final class ByteBlocks extends OutputStream {

	private static final int FIRST_BLOCK = 512;

	private static final int MAX_BLOCK = 256 * 1024;

	private final long limit;

	private final List<byte[]> full = new ArrayList<>();

	private byte[] current = new byte[FIRST_BLOCK];

	private int position;

	private long size;

	/** @param limit the most bytes it takes; writing more throws {@link LimitExceededException} at once */
	ByteBlocks(long limit) {
		this.limit = limit;
	}

	@Override
	public void write(int b) {
		checkRoom(1);
		if (this.position == this.current.length) {
			nextBlock();
		}
		this.current[this.position++] = (byte) b;
		this.size++;
	}

	@Override
	public void write(byte[] bytes, int offset, int length) {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		checkRoom(length);
		int written = 0;
		while (written < length) {
			if (this.position == this.current.length) {
				nextBlock();
			}
			int chunk = Math.min(length - written, this.current.length - this.position);
			System.arraycopy(bytes, offset + written, this.current, this.position, chunk);
			this.position += chunk;
			written += chunk;
		}
		this.size += length;
	}

	/** Bytes written so far. */
	long size() {
		return this.size;
	}

	/** Everything written, in one array of exactly that size. */
	byte[] toByteArray() {
		byte[] all = new byte[Math.toIntExact(this.size)];
		int at = 0;
		for (byte[] block : this.full) {
			System.arraycopy(block, 0, all, at, block.length);
			at += block.length;
		}
		System.arraycopy(this.current, 0, all, at, this.position);
		return all;
	}

	private void checkRoom(int length) {
		if (this.size + length > this.limit) {
			throw new LimitExceededException();
		}
	}

	private void nextBlock() {
		this.full.add(this.current);
		this.current = new byte[Math.min(MAX_BLOCK, this.current.length * 2)];
		this.position = 0;
	}

	/** More was written than the limit: the value is refused before it takes more memory. */
	static final class LimitExceededException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		LimitExceededException() {
			super(null, null, false, false);
		}

	}

}

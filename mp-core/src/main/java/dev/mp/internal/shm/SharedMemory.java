package dev.mp.internal.shm;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped into this process's memory, shared with every process that maps the same file. Words are read and
 * written with the atomic access modes of {@link VarHandle}s over the mapping, so a compare-and-set here is the
 * processor's own instruction on memory that other processes see at once: no system call on the fast path.
 */
public final class SharedMemory {

	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
			ByteOrder.nativeOrder());

	private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

	private final Path file;

	private final MappedByteBuffer buffer;

	private SharedMemory(Path file, MappedByteBuffer buffer) {
		this.file = file;
		this.buffer = buffer;
	}

	/**
	 * Makes a new file of zeros and maps it. Writing the zeros (rather than only setting a length) makes the file system
	 * commit the space now, so a full {@code /dev/shm} is an exception here instead of a crash (SIGBUS) on first touch.
	 * @throws IOException if the file exists or there is no room; nothing is left behind
	 */
	public static SharedMemory create(Path file, int bytes) throws IOException {
		boolean interrupted = Thread.interrupted();
		try {
			return createUninterrupted(file, bytes);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static SharedMemory createUninterrupted(Path file, int bytes) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			ByteBuffer zeros = ByteBuffer.allocate(Math.min(bytes, 64 * 1024));
			long written = 0;
			while (written < bytes) {
				zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - written));
				written += channel.write(zeros, written);
			}
		}
		catch (IOException ex) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ignored) {
				// the original failure says more
			}
			throw ex;
		}
		return mapUninterrupted(file);
	}

	/**
	 * Maps all of an existing file. A file channel is interruptible, and an interrupted thread's first I/O on one
	 * closes it: the flag is set aside meanwhile, so that a caller's pending interrupt (a cancelled task's thread) does
	 * not fail the mapping, and restored.
	 */
	public static SharedMemory map(Path file) throws IOException {
		boolean interrupted = Thread.interrupted();
		try {
			return mapUninterrupted(file);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static SharedMemory mapUninterrupted(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
			buffer.order(ByteOrder.nativeOrder());
			return new SharedMemory(file, buffer);
		}
	}

	public Path file() {
		return this.file;
	}

	public int size() {
		return this.buffer.capacity();
	}

	public long getLong(int offset) {
		return (long) LONGS.getVolatile(this.buffer, offset);
	}

	public void setLong(int offset, long value) {
		LONGS.setVolatile(this.buffer, offset, value);
	}

	/** A plain read, for a word only the thread holding a lock on it writes. */
	public long getLongPlain(int offset) {
		return (long) LONGS.get(this.buffer, offset);
	}

	/** A plain write, published to the next holder by the release store that frees the lock. */
	public void setLongPlain(int offset, long value) {
		LONGS.set(this.buffer, offset, value);
	}

	/** A release store: cheaper than {@link #setLong}, enough to publish bytes written before it. */
	public void setLongRelease(int offset, long value) {
		LONGS.setRelease(this.buffer, offset, value);
	}

	public boolean compareAndSetLong(int offset, long expected, long value) {
		return LONGS.compareAndSet(this.buffer, offset, expected, value);
	}

	public long getAndAddLong(int offset, long delta) {
		return (long) LONGS.getAndAdd(this.buffer, offset, delta);
	}

	public long getAndSetLong(int offset, long value) {
		return (long) LONGS.getAndSet(this.buffer, offset, value);
	}

	public int getInt(int offset) {
		return (int) INTS.getVolatile(this.buffer, offset);
	}

	public void setInt(int offset, int value) {
		INTS.setVolatile(this.buffer, offset, value);
	}

	public boolean compareAndSetInt(int offset, int expected, int value) {
		return INTS.compareAndSet(this.buffer, offset, expected, value);
	}

	public int getAndAddInt(int offset, int delta) {
		return (int) INTS.getAndAdd(this.buffer, offset, delta);
	}

	public int getAndSetInt(int offset, int value) {
		return (int) INTS.getAndSet(this.buffer, offset, value);
	}

	public byte getByte(int offset) {
		return this.buffer.get(offset);
	}

	public void setByte(int offset, byte value) {
		this.buffer.put(offset, value);
	}

	/** Copies bytes out of shared memory; plain reads, ordered by the volatile word read that preceded them. */
	public void read(int offset, byte[] into, int start, int length) {
		this.buffer.get(offset, into, start, length);
	}

	/** Copies bytes into shared memory; plain writes, published by the volatile or release store that follows. */
	public void write(int offset, byte[] from, int start, int length) {
		this.buffer.put(offset, from, start, length);
	}

	/** A view of a range, for bulk copies between shared memory and other buffers. */
	public ByteBuffer slice(int offset, int length) {
		return this.buffer.slice(offset, length).order(ByteOrder.nativeOrder());
	}

}

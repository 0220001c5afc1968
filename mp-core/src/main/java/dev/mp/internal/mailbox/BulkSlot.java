package dev.mp.internal.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.mp.internal.shm.SharedMemory;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.ProtocolException;

/**
 * One direction of a {@link CallMailbox}'s room for payloads too large for its slots. The writing side keeps a file as
 * large as the largest payload so far (a new generation of it when a payload outgrows it) and writes each payload
 * straight into it; the frame it sends instead, over the mailbox or the socket, names the generation, the length and
 * the payload's own frame type, and the reading side decodes the payload where it lies. A word at the start of the
 * file says whether the reader is done with the last payload: until it is, the writer sends over the socket rather
 * than overwrite it.
 */
final class BulkSlot {

	private static final long FREE = 0;

	private static final long FULL = 1;

	private static final int STATE = 0;

	private static final int DATA = 64;

	/** Smallest file: payloads just over a mailbox slot then share one generation. */
	private static final int MIN_BYTES = 1024 * 1024;

	/** Bytes of a {@link FrameType#STAGED} frame's payload: type, generation, length. */
	private static final int POINTER_BYTES = 9;

	/** How long a staged payload counts as being read: longer than reading the largest frame takes. */
	private static final long UNREAD_NANOS = 100_000_000;

	private final String prefix;

	/** The writer's file, or the last one the reader mapped. */
	private volatile SharedMemory memory;

	private int generation;

	/** When the writer staged its last payload ({@code System.nanoTime()}). */
	private volatile long stagedAt;

	/** The writer's smallest size that could not be made (a full file system): not tried again. */
	private long refusedSize = Long.MAX_VALUE;

	/** @param prefix the path of its files but for the generation */
	BulkSlot(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * The writing side: writes a payload into shared memory.
	 * @param maxBytes the frame limit
	 * @return the frame to send in its place, or {@code null} if the last payload is unread or there is no room: send
	 * the payload itself
	 */
	synchronized Frame stage(FrameType type, long id, Payload payload, int maxBytes) {
		long size = payload.size();
		if (size > maxBytes || (this.memory != null && this.memory.getLong(STATE) != FREE)) {
			return null;
		}
		if ((this.memory == null || this.memory.size() - DATA < size) && !grow(size, maxBytes)) {
			return null;
		}
		payload.writeTo(this.memory.slice(DATA, (int) size));
		this.stagedAt = System.nanoTime();
		// a volatile store: publishes the bytes before the frame that names them can be sent
		this.memory.setLong(STATE, FULL);
		ByteBuffer pointer = ByteBuffer.allocate(POINTER_BYTES);
		pointer.put(type.code()).putInt(this.generation).putInt((int) size);
		return new Frame(FrameType.STAGED, id, pointer.array());
	}

	/**
	 * The writing side: whether the last payload staged here is still being read (or not yet), for at most
	 * {@link #UNREAD_NANOS} after it was staged: a reader that never frees it (one that could not map it) must not keep
	 * the writer's looks going.
	 */
	boolean unread() {
		SharedMemory written = this.memory;
		return written != null && written.getLong(STATE) != FREE && System.nanoTime() - this.stagedAt < UNREAD_NANOS;
	}

	private boolean grow(long size, int maxBytes) {
		if (size >= this.refusedSize) {
			return false;
		}
		long bytes = Math.min(Math.max(MIN_BYTES, Long.highestOneBit(size + DATA - 1) << 1), (long) maxBytes + DATA);
		Path file = Path.of(this.prefix + (this.generation + 1));
		SharedMemory grown;
		try {
			grown = SharedMemory.create(file, (int) bytes);
		}
		catch (IOException ex) {
			// a full /dev/shm costs the short cut, not the call
			this.refusedSize = size;
			return false;
		}
		if (this.memory != null) {
			deleteQuietly(this.memory.file());
		}
		this.memory = grown;
		this.generation++;
		return true;
	}

	/**
	 * The reading side: the payload a {@link FrameType#STAGED} frame names, to read before {@link StagedPayload#close()}.
	 * @throws ProtocolException if the frame names nothing the writer can have staged
	 */
	synchronized StagedPayload open(Frame pointer, int maxBytes) {
		ByteBuffer fields = ByteBuffer.wrap(pointer.payload());
		if (fields.remaining() != POINTER_BYTES) {
			throw new ProtocolException("A staged frame of " + fields.remaining() + " bytes");
		}
		FrameType type = FrameType.of(fields.get());
		int generation = fields.getInt();
		int length = fields.getInt();
		if (generation < this.generation || generation < 1) {
			throw new ProtocolException("Staged payload in generation " + generation + ", after " + this.generation);
		}
		if (generation > this.generation) {
			try {
				this.memory = SharedMemory.map(Path.of(this.prefix + generation));
			}
			catch (IOException | RuntimeException ex) {
				throw new ProtocolException("Staged payload in generation " + generation + " cannot be mapped: " + ex);
			}
			this.generation = generation;
		}
		if (this.memory.size() < DATA) {
			throw new ProtocolException("Staged payload in a file of " + this.memory.size() + " bytes");
		}
		if (length < 0 || length > this.memory.size() - DATA || length > maxBytes) {
			throw new ProtocolException("Staged payload of " + length + " bytes in " + (this.memory.size() - DATA)
					+ " (frame limit " + maxBytes + ")");
		}
		if (this.memory.getLong(STATE) != FULL) {
			throw new ProtocolException("Staged payload of " + length + " bytes marked free");
		}
		SharedMemory holder = this.memory;
		return new StagedPayload(type, holder.slice(DATA, length), () -> holder.setLong(STATE, FREE));
	}

	static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// the template's directory goes when it closes
		}
	}

}

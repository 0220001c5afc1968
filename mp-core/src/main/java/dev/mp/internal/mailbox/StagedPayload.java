package dev.mp.internal.mailbox;

import java.nio.ByteBuffer;

import dev.mp.internal.wire.FrameType;

/**
 * A call's or answer's payload lying in a worker's shared memory (see {@link CallMailbox#stage}); closing it hands the
 * room back to the side that wrote it.
 */
public final class StagedPayload implements AutoCloseable {

	private final FrameType type;

	private final ByteBuffer payload;

	private final Runnable release;

	StagedPayload(FrameType type, ByteBuffer payload, Runnable release) {
		this.type = type;
		this.payload = payload;
		this.release = release;
	}

	/** The frame type of the payload. */
	public FrameType type() {
		return this.type;
	}

	/** The payload, in place: read it before closing. */
	public ByteBuffer payload() {
		return this.payload;
	}

	@Override
	public void close() {
		this.release.run();
	}

}

package dev.mp.internal.call;

import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;

/**
 * A call on its way to a child, before it has an id: an invocation encoded by the codec ({@link FrameType#CALL}), or a
 * task lambda or bean call in mp's compact form ({@link FrameType#COMPACT_CALL}), either of them with its caller's
 * context ahead of it ({@link FrameType#CONTEXT_CALL}, see {@link CallContext}).
 *
 * @param type the frame type it travels as
 * @param payload its bytes, or what makes them where they go
 * @param codecOffset where in the payload the bytes the codec wrote begin, which run to its end; {@code -1} when the
 * codec wrote none (a compact call)
 */
public record CallRequest(FrameType type, Payload payload, int codecOffset) {

	/** A call whose payload has no bytes of the codec. */
	public CallRequest(FrameType type, Payload payload) {
		this(type, payload, -1);
	}

	/** The same call, kept for later (see {@link Payload#frozen()}). */
	public CallRequest frozen() {
		Payload kept = this.payload.frozen();
		return (kept == this.payload) ? this : new CallRequest(this.type, kept, this.codecOffset);
	}

	/** An invocation the codec encoded. */
	public static CallRequest encoded(byte[] payload) {
		return new CallRequest(FrameType.CALL, Payload.of(payload), 0);
	}

}

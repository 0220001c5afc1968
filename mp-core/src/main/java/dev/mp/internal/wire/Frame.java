package dev.mp.internal.wire;

/**
 * One message between parent and child. The correlation id ties an answer to its request, so both sides can have
 * several requests in flight.
 *
 * @param type what the frame is
 * @param correlationId the request this frame belongs to
 * @param payload codec-encoded body, never {@code null} (empty when there is none)
 */
public record Frame(FrameType type, long correlationId, byte[] payload) {

	private static final byte[] EMPTY = new byte[0];

	public Frame {
		payload = (payload != null) ? payload : EMPTY;
	}

	public static Frame of(FrameType type, long correlationId) {
		return new Frame(type, correlationId, EMPTY);
	}

}

package dev.mp;

import dev.mp.wire.FrameType;

/**
 * A call on its way to a child, before it has an id: an invocation encoded by the codec ({@link FrameType#CALL}), or a
 * task lambda in its compact form ({@link FrameType#LAMBDA_CALL}).
 *
 * @param type the frame type it travels as
 * @param payload its bytes
 */
record CallRequest(FrameType type, byte[] payload) {

	/** An invocation the codec encoded. */
	static CallRequest encoded(byte[] payload) {
		return new CallRequest(FrameType.CALL, payload);
	}

}

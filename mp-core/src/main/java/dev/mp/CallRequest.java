package dev.mp;

import dev.mp.wire.FrameType;

/**
 * A call on its way to a child, before it has an id: an invocation encoded by the codec ({@link FrameType#CALL}), or a
 * task lambda or bean call in mp's compact form ({@link FrameType#COMPACT_CALL}).
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

package dev.mp.internal.wire;

/**
 * What a {@link Frame} asks for or answers. The byte codes are the wire format: never renumber them.
 */
public enum FrameType {

	/** Child to parent, first frame: the worker id and its proof of the secret. */
	HELLO(1),

	/** Parent to child: run an invocation; the payload is the encoded invocation. */
	CALL(2),

	/** Child to parent: the call with the same correlation id returned; the payload is the encoded value. */
	RESULT(3),

	/** Child to parent: the call with the same correlation id threw; the payload is an encoded failure. */
	FAILURE(4),

	/**
	 * Parent to a remote child: interrupt the call with this correlation id. (A local child takes cancels on stdin.)
	 */
	CANCEL(5),

	/** Either side: are you there? Answered by {@link #PONG}. */
	PING(6),

	/** Answer to {@link #PING}, same correlation id. */
	PONG(7),

	/** Parent to child: finish and exit with code 0. */
	SHUTDOWN(8),

	/**
	 * Parent to child: run a task lambda or a bean method call whose values are all plain, in mp's compact form (see
	 * {@code dev.mp.internal.call.CompactCalls}) rather than the codec's stream.
	 */
	COMPACT_CALL(9),

	/** Child to parent: the call returned a plain value; the payload is in {@link PlainValues}' form. */
	PLAIN_RESULT(10),

	/**
	 * Either side, for a call or an answer too large for the worker's mailbox slots: the payload lies in shared memory
	 * (see {@code dev.mp.internal.mailbox.CallMailbox#stage}); this frame's payload says its own type, where and how long it is.
	 */
	STAGED(11),

	/**
	 * A remote worker to its parent: bytes its program wrote to stdout (first payload byte 1) or stderr (2), which a
	 * local worker's parent reads from its pipes; the parent logs them as it logs a local worker's output.
	 */
	OUTPUT(12),

	/**
	 * Parent to child: a call with its caller's context (the MDC), which travels here rather than through the codec:
	 * the context section (see {@code dev.mp.internal.call.CallContext}), the call's own type code, then its payload.
	 * A call without context is sent as its own type, at no cost.
	 */
	CONTEXT_CALL(13),

	/**
	 * Child to parent, every facts interval from a thread of its own: what its JVM knows about itself (heap, GC,
	 * threads, classes, uptime); see {@code dev.mp.internal.call.WorkerReports}.
	 */
	FACTS(14),

	/**
	 * Child to parent: the running call with this correlation id reports its progress, at most about every 100 ms;
	 * see {@code dev.mp.internal.call.WorkerReports}.
	 */
	PROGRESS(15),

	/**
	 * Child to parent: log events of the worker's own logging, each in mp's compact form (see
	 * {@code dev.mp.internal.logging.LogEventCodec}), which the parent emits through its own logging.
	 */
	LOG_EVENT(16),

	/**
	 * Child to parent, once: the worker has built the template's fast codec, so its calls may now come in that codec's
	 * form; until then the parent sends them in the JDK codec's where it can (see
	 * {@code dev.mp.internal.codec.ColdStartCodec}).
	 */
	CODEC_BUILT(17),

	/**
	 * Parent to child: a call whose result the worker sends element by element: the window (an int, how many elements
	 * it may send ahead of the caller's demand), the call's own type code, then its payload. It never comes through
	 * the mailbox.
	 */
	STREAM_CALL(18),

	/** Child to parent: the next element of the streamed call with this correlation id, encoded by the codec. */
	ELEMENT(19),

	/**
	 * Parent to child: the caller took this many more elements (an int) of the streamed call with this correlation id,
	 * so the worker may send as many more.
	 */
	DEMAND(20);

	private static final FrameType[] BY_CODE = new FrameType[32];

	static {
		for (FrameType type : values()) {
			BY_CODE[type.code] = type;
		}
	}

	private final byte code;

	FrameType(int code) {
		this.code = (byte) code;
	}

	public byte code() {
		return this.code;
	}

	/**
	 * The frame type of a wire code.
	 * @throws ProtocolException if the code names no frame type
	 */
	public static FrameType of(byte code) {
		FrameType type = (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
		if (type == null) {
			throw new ProtocolException("Unknown frame type " + code);
		}
		return type;
	}

}

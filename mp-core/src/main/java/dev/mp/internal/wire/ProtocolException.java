package dev.mp.internal.wire;

import dev.mp.MpException;

/**
 * The bytes on a worker's socket are not a valid frame: oversized, truncated, or of an unknown type. The connection
 * they came from can no longer be trusted and is closed.
 */
public class ProtocolException extends MpException {

	public ProtocolException(String message) {
		super(message);
	}

	public ProtocolException(String message, Throwable cause) {
		super(message, cause);
	}

}

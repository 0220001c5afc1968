package dev.mp;

import org.jspecify.annotations.Nullable;

/**
 * Base of every exception mp raises itself (as opposed to the exceptions a task throws, which reach the caller as they
 * were thrown).
 */
public class MpException extends RuntimeException {

	public MpException(String message) {
		super(message);
	}

	public MpException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}

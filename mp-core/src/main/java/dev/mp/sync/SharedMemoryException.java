package dev.mp.sync;

import java.io.Serial;

import dev.mp.MpException;

/** Shared memory could not be made or mapped, such as when {@code /dev/shm} is full. */
public class SharedMemoryException extends MpException {

	@Serial
	private static final long serialVersionUID = 1L;

	public SharedMemoryException(String message) {
		super(message);
	}

	public SharedMemoryException(String message, Throwable cause) {
		super(message, cause);
	}

}

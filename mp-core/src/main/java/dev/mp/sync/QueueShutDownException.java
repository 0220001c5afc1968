package dev.mp.sync;

import java.io.Serial;

/**
 * The queue was shut down, as Python's {@code queue.ShutDown}: thrown by {@code put} once
 * {@link ProcessQueue#shutdown} was called, and by {@code take} and {@code poll} once it is also empty.
 */
public class QueueShutDownException extends IllegalStateException {

	@Serial
	private static final long serialVersionUID = 1L;

	public QueueShutDownException(String message) {
		super(message);
	}

}

package dev.mp.sync;

import java.io.Serial;

/**
 * The other end of a {@link Pipe} is closed: no live process holds it. Thrown by {@code recv} once nothing is left to
 * receive, as Python's {@code EOFError}, and by {@code send}, as Python's {@code BrokenPipeError}. Unchecked, like
 * {@link QueueShutDownException}: a checked {@link java.io.EOFException} would change the signatures of
 * {@code recv} and {@code send} and make every caller catch it, where Python code catches {@code EOFError} only where
 * it expects the end.
 */
public class PipeClosedException extends IllegalStateException {

	@Serial
	private static final long serialVersionUID = 1L;

	public PipeClosedException(String message) {
		super(message);
	}

}

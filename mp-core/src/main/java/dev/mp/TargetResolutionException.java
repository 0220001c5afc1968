package dev.mp;


/**
 * The child could not find what it was asked to run: no such bean, method, or no application context to look in.
 * It is about the set-up, not the user's code, so the parent reports it with the child's command and output.
 */
public class TargetResolutionException extends MpException {

	public TargetResolutionException(String message) {
		super(message);
	}

	public TargetResolutionException(String message, Throwable cause) {
		super(message, cause);
	}

}

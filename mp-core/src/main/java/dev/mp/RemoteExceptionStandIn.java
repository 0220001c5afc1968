package dev.mp;

import org.jspecify.annotations.Nullable;


/**
 * Stands in for an exception thrown in a child whose class could not be brought back (not serializable, refused by
 * the allow-list, or missing here), or whose own methods throw (a {@code getMessage()} that fails, a cause chain cut
 * for length). It keeps everything else: the original class name, message, stack trace, causes and suppressed
 * exceptions.
 */
public class RemoteExceptionStandIn extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String remoteClassName;

	private final String remoteMessage;

	/**
	 * A stand-in with the facts of a remote exception.
	 * @param remoteClassName the class of the exception it stands in for
	 * @param remoteMessage that exception's own message
	 * @param stackTrace that exception's stack trace
	 * @param cause a stand-in for its cause
	 */
	public RemoteExceptionStandIn(String remoteClassName, @Nullable String remoteMessage,
			StackTraceElement[] stackTrace, @Nullable RemoteExceptionStandIn cause) {
		super(remoteClassName + ((remoteMessage != null) ? ": " + remoteMessage : ""), cause);
		this.remoteClassName = remoteClassName;
		this.remoteMessage = remoteMessage;
		setStackTrace(stackTrace);
	}

	/** The class of the exception this stands in for. */
	public String remoteClassName() {
		return this.remoteClassName;
	}

	/** The original exception's own message. */
	public String remoteMessage() {
		return this.remoteMessage;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + " for " + getMessage();
	}

}

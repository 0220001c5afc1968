package dev.mp;

import dev.mp.child.ThrowableSnapshot;

/**
 * Stands in for an exception thrown in a child whose class could not be brought back (not serializable, refused by
 * the allow-list, or missing here). It keeps everything else: the original class name, message, stack trace, causes
 * and suppressed exceptions.
 */
public class RemoteExceptionStandIn extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String remoteClassName;

	private final String remoteMessage;

	RemoteExceptionStandIn(ThrowableSnapshot snapshot) {
		super(snapshot.className() + ((snapshot.message() != null) ? ": " + snapshot.message() : ""),
				(snapshot.cause() != null) ? new RemoteExceptionStandIn(snapshot.cause()) : null);
		this.remoteClassName = snapshot.className();
		this.remoteMessage = snapshot.message();
		setStackTrace(snapshot.stackTrace());
		snapshot.suppressed().forEach((s) -> addSuppressed(new RemoteExceptionStandIn(s)));
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

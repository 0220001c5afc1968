package dev.mp;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.wire.Throwables;

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

	RemoteExceptionStandIn(ThrowableSnapshot snapshot) {
		super(snapshot.className() + ((snapshot.message() != null) ? ": " + snapshot.message() : ""),
				(snapshot.cause() != null) ? new RemoteExceptionStandIn(snapshot.cause()) : null);
		this.remoteClassName = snapshot.className();
		this.remoteMessage = snapshot.message();
		setStackTrace(snapshot.stackTrace());
		snapshot.suppressed().forEach((s) -> addSuppressed(new RemoteExceptionStandIn(s)));
	}

	/**
	 * The exception read back from a child if it and its causes and suppressed exceptions answer every method that a
	 * future ({@code ExecutionException} calls {@code toString()}), a log or a stack print calls; a stand-in made
	 * from the snapshot otherwise, so that no caller or mp thread meets an exception that throws from its own
	 * methods.
	 * @param decoded the exception as decoded, or {@code null} if it could not be
	 * @param snapshot its facts, as the child read them
	 */
	static Throwable ifItAnswers(@Nullable Throwable decoded, ThrowableSnapshot snapshot) {
		return (decoded != null && Throwables.answers(decoded, ThrowableSnapshot.MAX_SNAPSHOTS)) ? decoded : new RemoteExceptionStandIn(snapshot);
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

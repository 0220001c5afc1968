package dev.mp.internal.wire;

/**
 * Describes a throwable for a message or a log line without calling what it may override and throw from: a task's
 * exception, or one decoded from another process, is not trusted to answer.
 */
public final class Throwables {

	private Throwables() {
	}

	/** {@code class: message}, or the class and what its {@code getMessage()} threw; never throws. */
	public static String describe(Throwable throwable) {
		String className = throwable.getClass().getName();
		try {
			String message = throwable.getMessage();
			return (message != null) ? className + ": " + message : className;
		}
		catch (Throwable ex) {
			return className + " (its getMessage() threw " + ex.getClass().getName() + ")";
		}
	}

}

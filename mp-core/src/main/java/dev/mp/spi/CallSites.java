package dev.mp.spi;

import java.util.Arrays;

/**
 * Joins a child's stack trace to the caller's: an exception thrown in a child ends at the child's thread, so the
 * caller's own frames are appended after a marker frame, and the trace reads from the failure down to the code that
 * made the call.
 */
public final class CallSites {

	/** The declaring class of the marker frame between the child's frames and the caller's. */
	public static final String MARKER = "dev.mp.<child process>";

	private CallSites() {
	}

	/**
	 * Appends the current thread's stack (the caller's, when called where a blocking call returns) to the exception.
	 * An exception whose own stack methods throw keeps its stack as it was.
	 * @return the same exception
	 */
	public static <T extends Throwable> T appendCallerStack(T remote, String processDescription) {
		try {
			StackTraceElement[] remoteStack = remote.getStackTrace();
			StackTraceElement[] here = new Throwable().getStackTrace();
			StackTraceElement[] joined = Arrays.copyOf(remoteStack, remoteStack.length + 1 + here.length);
			joined[remoteStack.length] = new StackTraceElement(MARKER, processDescription, null, -1);
			System.arraycopy(here, 0, joined, remoteStack.length + 1, here.length);
			remote.setStackTrace(joined);
		}
		catch (Throwable ex) {
			// the caller is to get the exception it is given, not one from its own methods
		}
		return remote;
	}

}

package dev.mp;

/** Where a child process is in its life. */
public enum ProcessState {

	/** Created, {@code start()} not called yet. */
	NEW,

	/** The JVM is starting and has not completed its handshake. */
	STARTING,

	/** Connected and working. */
	RUNNING,

	/** The JVM has exited; {@code exitCode()} says how. */
	EXITED

}

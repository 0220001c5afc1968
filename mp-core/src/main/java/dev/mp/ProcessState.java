package dev.mp;

/** Where a child process is in its life. */
public enum ProcessState {

	/** Created, {@code start()} not called yet. */
	NEW,

	/** The JVM is starting and has not completed its handshake. */
	STARTING,

	/** Connected and working. */
	RUNNING,

	/** A pool worker that is connected and waiting for a task. */
	IDLE,

	/** A pool worker running a task. */
	BUSY,

	/** The JVM has exited; {@code exitCode()} says how. */
	EXITED

}

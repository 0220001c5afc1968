package dev.mp;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The child JVM started but could not find or prepare what it was asked to run: an unknown bean or method, a class
 * missing from its class path. The cause is the child's own exception.
 */
public class WorkerSetupException extends ChildProcessException {

	public WorkerSetupException(String what, String processName, long pid, List<String> command,
			List<String> outputTail, @Nullable Throwable cause) {
		super(what, processName, pid, command, null, outputTail, cause);
	}

}

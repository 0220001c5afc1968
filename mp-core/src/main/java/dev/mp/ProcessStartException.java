package dev.mp;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A child JVM could not be started, or exited before it was ready: a bad JVM option, a missing {@code java}, a class
 * path without mp, an application context that failed to start. The message holds the command and the child's output.
 */
public class ProcessStartException extends ChildProcessException {

	public ProcessStartException(String what, String processName, long pid, List<String> command,
			@Nullable Integer exitCode, List<String> outputTail, @Nullable Throwable cause) {
		super(what, processName, pid, command, exitCode, outputTail, cause);
	}

}

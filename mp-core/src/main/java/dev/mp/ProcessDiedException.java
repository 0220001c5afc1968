package dev.mp;

import java.util.List;

/**
 * A child JVM exited while a call was running in it, before it answered: {@code Runtime.halt}, {@code System.exit},
 * a crash, a signal. The exit code, signal and last output say why.
 */
public class ProcessDiedException extends ChildProcessException {

	public ProcessDiedException(String what, String processName, long pid, List<String> command, int exitCode,
			List<String> outputTail) {
		super(what, processName, pid, command, exitCode, outputTail, null);
	}

}

package dev.mp;

import java.util.List;

/**
 * A child was killed for using more memory than its limit allows, such as a pod's container that Kubernetes reports as
 * {@code OOMKilled}: raise the pool's memory limit, or find what grew. (An {@link OutOfMemoryError} inside the child's
 * heap is another thing: it reaches the caller as thrown, and the worker is retired.)
 */
public class ProcessOutOfMemoryException extends ProcessDiedException {

	public ProcessOutOfMemoryException(String what, String processName, long pid, List<String> command, int exitCode,
			List<String> outputTail) {
		super(what, processName, pid, command, exitCode, outputTail);
	}

}

package dev.mp.internal.call;

import java.io.Serializable;
import java.util.concurrent.Callable;

import dev.mp.ManagedProcess;

/** Runs a process's {@code run()} in the child: the process object, fields and all, is what travels. */
final class ProcessBody implements Callable<Object>, Serializable {

	private static final long serialVersionUID = 1L;

	private final ManagedProcess process;

	ProcessBody(ManagedProcess process) {
		this.process = process;
	}

	@Override
	public Object call() throws Exception {
		this.process.run();
		return null;
	}

}

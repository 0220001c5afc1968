package dev.mp.internal.parent;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.worker.WorkerEnd;
import dev.mp.spi.WorkerLauncher;

/**
 * What a child is for, as its template starts it.
 * @param name the process name
 * @param description what it runs, for messages
 * @param daemon whether the template's close terminates it rather than waiting for it
 * @param end when it ends: after its answer (a call), after that and its body's threads (a process), or when told
 * @param pool the pool it works for, or {@code null}
 * @param launcher what starts it
 * @param spinWait how long the worker and its callers look at its call mailbox; zero for none
 */
record ChildRole(String name, String description, boolean daemon, WorkerEnd end, @Nullable String pool,
		WorkerLauncher launcher, Duration spinWait) {

	/** A process: it exits after running its body, once the threads the body started that are not daemons end. */
	static ChildRole process(String name, boolean daemon, String description, WorkerLauncher launcher) {
		return new ChildRole(name, description, daemon, WorkerEnd.AFTER_ANSWER_AND_THREADS, null, launcher,
				Duration.ZERO);
	}

	/** A single call: it exits after answering it. */
	static ChildRole call(String name, String description, WorkerLauncher launcher) {
		return new ChildRole(name, description, false, WorkerEnd.AFTER_ANSWER, null, launcher, Duration.ZERO);
	}

	/** A pool's long-lived worker: it answers calls until told to shut down. */
	static ChildRole poolWorker(String name, String pool, WorkerLauncher launcher, Duration spinWait) {
		return new ChildRole(name, "worker of pool " + pool, true, WorkerEnd.ON_SHUTDOWN, pool, launcher, spinWait);
	}

}

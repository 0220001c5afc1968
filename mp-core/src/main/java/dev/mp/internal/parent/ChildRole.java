package dev.mp.internal.parent;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.mp.spi.WorkerLauncher;

/**
 * What a child is for, as its template starts it.
 * @param name the process name
 * @param description what it runs, for messages
 * @param daemon whether the template's close terminates it rather than waiting for it
 * @param oneShot whether it exits after answering its first call
 * @param pool the pool it works for, or {@code null}
 * @param launcher what starts it
 * @param spinWait how long the worker and its callers look at its call mailbox; zero for none
 */
record ChildRole(String name, String description, boolean daemon, boolean oneShot, @Nullable String pool,
		WorkerLauncher launcher, Duration spinWait) {

	/** A process or a single call: it exits after answering its one call. */
	static ChildRole single(String name, boolean daemon, String description, WorkerLauncher launcher) {
		return new ChildRole(name, description, daemon, true, null, launcher, Duration.ZERO);
	}

	/** A pool's long-lived worker: it answers calls until told to shut down. */
	static ChildRole poolWorker(String name, String pool, WorkerLauncher launcher, Duration spinWait) {
		return new ChildRole(name, "worker of pool " + pool, true, false, pool, launcher, spinWait);
	}

}

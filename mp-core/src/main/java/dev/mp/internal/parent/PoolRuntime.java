package dev.mp.internal.parent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import dev.mp.PoolListener;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.internal.call.CallEncoder;

/**
 * What a {@link ProcessPool} needs from the template that made it, and no more: how its calls are encoded, how its
 * workers start, the threads its timers and callbacks run on, its listeners, and how it leaves. A pool never sees the
 * template itself.
 */
public interface PoolRuntime {

	/** How the pool's tasks and bean calls get their wire form. */
	CallEncoder encoder();

	/**
	 * Starts a long-lived worker for the pool: it answers calls until told to shut down.
	 * @throws IllegalStateException if the template is closed
	 */
	ChildJvm launchWorker(String name, ProcessOptions options, String pool, String launcher, Duration spinWait);

	/** Runs task timeouts, cancel graces and the idle reaper. */
	ScheduledExecutorService scheduler();

	/** Where callers' callbacks run. */
	Executor callbacks();

	/** Told of workers started and died, and of tasks ended. */
	List<PoolListener> listeners();

	/** How long {@link ProcessPool#close()} lets running tasks finish. */
	Duration shutdownGracePeriod();

	/** The pool has closed: the template no longer lists it. */
	void closed(ProcessPool pool);

}

package dev.mp;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.worker.ChildIdentity;
import dev.mp.internal.worker.ReportThread;

/**
 * Python's {@code current_process()} and {@code parent_process()}: this JVM as mp sees it. A JVM that mp started (a
 * process, a single call, a pool worker, a worker pod) has the name its parent gave it, the one logs and
 * {@code /actuator/processes} show, and, on the parent's machine, a parent; any other JVM is the main process, named
 * {@value #MAIN_PROCESS}, with none. This works in every bootstrap mode; in a {@code spring} worker the property
 * {@code mp.child=true} says the same to the application's configuration.
 */
public final class CurrentProcess {

	/** The name of a JVM that mp did not start, as Python names its main process. */
	public static final String MAIN_PROCESS = "MainProcess";

	private CurrentProcess() {
	}

	/** This JVM's name: its parent's name for it in a child, {@value #MAIN_PROCESS} elsewhere. */
	public static String name() {
		String name = ChildIdentity.name();
		return (name != null) ? name : MAIN_PROCESS;
	}

	/** This JVM's pid. */
	public static long pid() {
		return ProcessHandle.current().pid();
	}

	/** Whether mp started this JVM. */
	public static boolean isChild() {
		return ChildIdentity.name() != null;
	}

	/**
	 * Reports how far the running task or {@code @WorkerProcess} method is, from its own thread or one it started: its
	 * caller hears it ({@link TaskFuture#onProgress}) and {@code /actuator/processes} shows it while the worker is
	 * busy. Cheap enough for a tight loop: a report that comes within about 100 ms of the last one sent only replaces
	 * the one kept to send next, and the last report before the answer always reaches the caller. Does nothing
	 * outside a call in a child.
	 * @param done the units of work done
	 * @param total the units of work in all, or 0 when not known
	 * @param message what the task is doing, or {@code null}; at most 1 KiB of it travels
	 * @throws IllegalArgumentException if {@code done} or {@code total} is negative
	 */
	public static void progress(long done, long total, @Nullable String message) {
		ReportThread.progress(new Progress(done, total, message));
	}

	/**
	 * The parent of a child on this machine, as a handle ({@code pid()}, {@code isAlive()}, {@code onExit()}): what
	 * Python's {@code parent_process()} gives. Empty in the main process, in a child whose parent had exited as it
	 * started, and in a worker pod, whose parent runs on another machine.
	 */
	public static Optional<ProcessHandle> parent() {
		return ChildIdentity.parent();
	}

}

package dev.mp.internal.worker;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.wire.Throwables;

/**
 * Ends a worker at once where it cannot go on or cannot answer: the parent sees the exit code and fails the call with
 * it, instead of the caller waiting for ever.
 */
final class WorkerHalt {

	/*
	 * Reasons to halt, read when the class is initialized: a string literal is made on its first use, which can fail
	 * where these are needed, out of memory.
	 */
	private static final String CANNOT_ANSWER = String.valueOf("cannot answer a call");

	private static final String THREAD_FAILED = String.valueOf("a thread the worker needs failed");

	private WorkerHalt() {
	}

	/** Not even the bare facts of a call's failure could be encoded or sent. */
	static void cannotAnswer(Throwable cause) {
		halt(WorkerMain.EXIT_CANNOT_ANSWER, CANNOT_ANSWER, null, cause);
	}

	/**
	 * Makes a thread the worker cannot do without end the worker if it fails: without the thread that runs calls, or
	 * one that watches the parent, the worker would live on deaf, and its caller would wait for ever.
	 */
	static void ifItFails(Thread thread) {
		thread.setUncaughtExceptionHandler((failed, ex) -> halt(WorkerMain.EXIT_CANNOT_ANSWER, THREAD_FAILED, null, ex));
	}

	/**
	 * Ends the worker with this exit code. The line on stderr is put together here, behind the guard, as that may fail
	 * (out of memory, or a {@code System.err} a task replaced): callers pass what they have without building anything.
	 * @param detail what shows the reason, shown in brackets after it, or {@code null}
	 * @param cause what went wrong, or {@code null}
	 */
	static void halt(int code, String why, @Nullable String detail, @Nullable Throwable cause) {
		try {
			System.err.println("mp worker: " + why + ((detail != null) ? " (" + detail + ")" : "")
					+ ", halting (thread " + Thread.currentThread().getName() + ")"
					+ ((cause != null) ? ": " + Throwables.describe(cause) : ""));
			System.err.flush();
		}
		catch (Throwable ex) {
			// ending anyway
		}
		Runtime.getRuntime().halt(code);
	}

}

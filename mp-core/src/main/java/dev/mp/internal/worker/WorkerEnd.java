package dev.mp.internal.worker;

/** When a worker ends, as its parent tells it at start. */
public enum WorkerEnd {

	/** A pool's worker: it answers calls until told to shut down. */
	ON_SHUTDOWN,

	/** A single call: the worker exits once it has answered, with code 0 after a result and 1 after a failure. */
	AFTER_ANSWER,

	/**
	 * A process: as {@link #AFTER_ANSWER}, once the threads its body started that are not daemons have ended too, as a
	 * Java {@code main} and Python's {@code Process} wait for theirs.
	 */
	AFTER_ANSWER_AND_THREADS;

	/** Whether the worker exits after its first answer. */
	public boolean oneShot() {
		return this != ON_SHUTDOWN;
	}

}

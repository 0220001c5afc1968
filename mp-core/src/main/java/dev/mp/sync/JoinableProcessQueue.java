package dev.mp.sync;

import java.io.Serial;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ProcessQueue} that counts unfinished tasks, like Python's {@code multiprocessing.JoinableQueue}: each
 * message put is a task, a consumer calls {@link #taskDone()} when it has finished with a message it took, and
 * {@link #join()} waits, in any process, until every task put so far is done.
 *
 * @param <E> the type of the messages
 */
public final class JoinableProcessQueue<E> extends ProcessQueue<E> {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Makes a joinable queue.
	 * @param owner the registry whose memory and codec it uses
	 * @param maxSize the most messages it holds; 0 (or less) for no limit
	 * @param capacityBytes the ring's size, rounded up to a power of two
	 */
	JoinableProcessQueue(SharedObjects owner, int maxSize, int capacityBytes) {
		super(owner, "joinable-queue", maxSize, capacityBytes, true);
	}

	/**
	 * Marks a task taken from this queue as done, as Python's {@code task_done()}.
	 * @throws IllegalStateException when called more times than messages were put (Python's {@code ValueError})
	 */
	public void taskDone() {
		ring().taskDone();
	}

	/**
	 * Waits until every message put so far has been taken and marked done with {@link #taskDone()}.
	 * @throws InterruptedException when interrupted while waiting
	 */
	public void join() throws InterruptedException {
		ring().awaitAllDone(Waiting.FOREVER);
	}

	/**
	 * Waits up to the given time until every message put so far has been marked done.
	 * @return whether they all were
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
		return ring().awaitAllDone(Waiting.deadline(timeout, unit));
	}

	/** Messages put and not yet marked done. */
	public long unfinishedTasks() {
		return ring().unfinished();
	}

}

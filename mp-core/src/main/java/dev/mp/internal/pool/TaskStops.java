package dev.mp.internal.pool;

import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.TaskTimeoutException;
import dev.mp.internal.pool.PoolWorkers.Worker;

/**
 * How a {@link PoolScheduler} stops a single task: one past its timeout fails and has its worker killed; one
 * cancelled while queued leaves the queue; one cancelled while it runs is interrupted in its worker, which is killed if
 * it does not stop within the cancel grace.
 *
 * @param <W> the workers the tasks run in
 */
final class TaskStops<W extends PoolWorker> {

	// the pool's own category: what an operator configures for the pool
	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final String name;

	private final PoolOptions options;

	private final PoolClock clock;

	private final Object lock;

	/** Takes a task out of the queue, if it is still there; called holding the lock. */
	private final Predicate<PoolTask<W>> unqueue;

	TaskStops(String name, PoolOptions options, PoolClock clock, Object lock, Predicate<PoolTask<W>> unqueue) {
		this.name = name;
		this.options = options;
		this.clock = clock;
		this.lock = lock;
		this.unqueue = unqueue;
	}

	void timedOut(PoolTask<W> task, Worker<W> worker) {
		synchronized (this.lock) {
			// under the lock: a task that ends now must not have its worker, and the next task, killed
			if (worker.current != task || task.result.isDone()) {
				return;
			}
			worker.process.markStopping();
		}
		task.result.completeExceptionally(new TaskTimeoutException("A task of pool '" + this.name + "'",
				this.options.taskTimeout(), worker.process.name(), worker.process.pid()));
		worker.process.kill();
	}

	void cancelled(PoolTask<W> task) {
		Worker<W> worker;
		synchronized (this.lock) {
			if (this.unqueue.test(task)) {
				return;
			}
			worker = task.worker;
		}
		if (worker == null || worker.current != task) {
			return;
		}
		worker.process.cancel(task.callId);
		this.clock.schedule(() -> {
			synchronized (this.lock) {
				if (worker.current != task || !worker.process.isAlive()) {
					return;
				}
				worker.process.markStopping();
			}
			logger.warn("Worker '{}' of pool '{}' did not stop its cancelled task within {}; killing it",
					worker.process.name(), this.name, this.options.cancelGrace());
			worker.process.kill();
		}, this.options.cancelGrace());
	}

}

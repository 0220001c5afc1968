package dev.mp.internal.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.PoolListener;
import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.QueueFullPolicy;
import dev.mp.TaskTimeoutException;
import dev.mp.WorkerSetupException;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.pool.PoolWorkers.Worker;

/**
 * A {@link ProcessPool}'s scheduling: the queue of tasks and its bound, one task per worker at a time, task timeouts,
 * cancels with their grace, and what becomes of a worker whose task ended (idle, recycled after
 * {@code maxTasksPerWorker}, retired when in doubt). Its {@link PoolWorkers} start, keep, retire and replace the
 * workers, under the same lock. It knows workers only as {@link PoolWorker}s that the launcher starts, and time only
 * through its {@link PoolClock}.
 *
 * @param <W> the workers it runs tasks in
 */
public final class PoolScheduler<W extends PoolWorker> {

	// the pool's own category: what an operator configures for the pool
	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final String name;

	private final PoolOptions options;

	private final PoolClock clock;

	private final Executor callbacks;

	private final PoolEvents events;

	private final Object lock = new Object();

	private final Deque<PoolTask<W>> queue = new ArrayDeque<>();

	private final PoolWorkers<W> workers;

	private boolean closed;

	private final QueueBound bound;

	/**
	 * @param initializer the call each worker runs before its first task, if any
	 * @param launcher starts a worker of the given name; may throw if there is no process at all
	 * @param callbacks where callers' callbacks run
	 */
	public PoolScheduler(String name, PoolOptions options, @Nullable CallRequest initializer, Function<String, W> launcher,
			PoolClock clock, Executor callbacks, List<PoolListener> listeners) {
		this.name = name;
		this.options = options;
		this.clock = clock;
		this.callbacks = callbacks;
		this.events = new PoolEvents(name, listeners);
		this.workers = new PoolWorkers<>(name, options, initializer, launcher, clock, callbacks, this.events, this.lock,
				new Queue());
		this.bound = new QueueBound(name, options.maxQueued(), this.lock);
	}

	/** Starts workers until {@code minIdle} are starting or ready. */
	public void warmUp() {
		synchronized (this.lock) {
			this.workers.ensureMinimum();
		}
	}

	/** Completes when {@code minIdle} workers are ready. */
	public CompletableFuture<Void> whenWarm() {
		List<CompletableFuture<Void>> ready;
		synchronized (this.lock) {
			this.workers.ensureMinimum();
			ready = this.workers.readiness();
		}
		return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new));
	}

	/**
	 * Queues a call for the next free worker. When {@code maxQueued} tasks already wait for a busy worker, the call is
	 * rejected or its caller waits for room, as the pool's {@link QueueFullPolicy} says.
	 * @throws RejectedExecutionException if the queue is full and the policy rejects, or if the caller is interrupted
	 * while it waits for room (its interrupt kept)
	 * @throws IllegalStateException if the pool is closed, or closes while the caller waits for room
	 */
	public CallbackFuture<Object> submit(CallRequest request) {
		boolean wait = this.options.queueFullPolicy() == QueueFullPolicy.WAIT;
		try {
			// without a time limit it never gives up
			return Objects.requireNonNull(enqueue(request, Long.MAX_VALUE, !wait));
		}
		catch (InterruptedException ex) {
			throw this.bound.interrupted(ex);
		}
	}

	/**
	 * Queues a call, waiting up to {@code maxWaitNanos} for room in a full queue whatever the pool's
	 * {@link QueueFullPolicy}, as {@link java.util.concurrent.BlockingQueue#offer(Object, long, TimeUnit)} does: for
	 * the tasks of a batch whose caller waits for them all anyway.
	 * @param maxWaitNanos {@link Long#MAX_VALUE} for no limit
	 * @return the call's result, or {@code null} if no room came within the time
	 * @throws IllegalStateException if the pool is closed, or closes while the caller waits for room
	 */
	public @Nullable CallbackFuture<Object> offer(CallRequest request, long maxWaitNanos) throws InterruptedException {
		return enqueue(request, maxWaitNanos, false);
	}

	/**
	 * @param reject whether a full queue throws at once rather than waits
	 * @return {@code null} if the queue stayed full for {@code maxWaitNanos}
	 */
	private @Nullable CallbackFuture<Object> enqueue(CallRequest request, long maxWaitNanos, boolean reject)
			throws InterruptedException {
		PoolTask<W> task = new PoolTask<>(request, new CallbackFuture<>(this.callbacks), this.clock.nanoTime());
		task.result.whenDone((value, failure) -> {
			if (task.result.isCancelled()) {
				cancelled(task);
			}
		});
		synchronized (this.lock) {
			long left = maxWaitNanos;
			while (true) {
				if (this.closed) {
					throw new IllegalStateException("Pool '" + this.name + "' is closed: it takes no new tasks");
				}
				ProcessStartException storm = this.workers.storm();
				if (storm != null) {
					task.result.completeExceptionally(storm);
					return task.result;
				}
				if (!this.bound.isFull(this.queue.size(), this.workers.starting())) {
					break;
				}
				if (reject) {
					throw this.bound.rejection(this.queue.size(), this.workers.starting());
				}
				if (left <= 0) {
					return null;
				}
				left = this.bound.awaitRoom(left);
			}
			this.queue.addLast(task);
			dispatch();
			if (task.worker == null) {
				// waits for a worker: what the caller changes after submitting must not change the task
				task.request = task.request.frozen();
			}
		}
		return task.result;
	}

	/**
	 * Hands queued tasks to idle workers and starts workers for the rest, up to the pool size; wakes the callers
	 * waiting for room. Holds the lock.
	 */
	private void dispatch() {
		assignQueued();
		// a full pool starts nothing: the common case of every call, spared the counting below
		if (!this.workers.isFull()) {
			startWorkers();
		}
		this.bound.roomMade();
	}

	/** Starts workers for the queued tasks that no starting worker will take, up to the pool size. Holds the lock. */
	private void startWorkers() {
		long starting = this.workers.starting();
		while (this.queue.size() > starting && !this.workers.isFull() && !this.closed) {
			if (!this.workers.start()) {
				// could not launch one: the queue has failed with the reason, and the next would fail alike
				return;
			}
			starting++;
		}
		this.workers.ensureMinimum();
	}

	private void assign(Worker<W> worker, PoolTask<W> task) {
		worker.current = task;
		task.worker = worker;
		task.started = this.clock.nanoTime();
		ChildCall call = worker.process.call(task.request);
		task.callId = call.id();
		task.result.beforeWaiting((maxNanos) -> worker.process.spinForAnswer(call.id(), maxNanos));
		Duration timeout = this.options.taskTimeout();
		if (timeout != null) {
			task.timer = this.clock.schedule(() -> timedOut(task, worker), timeout);
		}
		call.result().whenComplete((value, failure) -> finished(worker, task, value, failure));
	}

	private void finished(Worker<W> worker, PoolTask<W> task, Object value, @Nullable Throwable failure) {
		Future<?> timer = task.timer;
		if (timer != null) {
			timer.cancel(false);
		}
		long now = this.clock.nanoTime();
		Throwable thrown = (failure != null) ? ChildCall.unwrap(failure) : null;
		Release release = Release.GONE;
		try {
			// the worker is free before its caller hears: a caller that submits again as soon as it has its answer
			// must find the worker idle, not queue behind it (its task would then be assigned after it began to wait,
			// and it would not look at the mailbox for the answer)
			release = release(worker, thrown);
		}
		finally {
			ChildCall.settle(task.result, value, thrown);
		}
		this.events.taskEnded(Duration.ofNanos(task.started - task.submitted), Duration.ofNanos(now - task.started),
				task.result);
		// what can take long (the next queued call's copy, a SHUTDOWN frame, starting a replacement) waits until the
		// caller has its answer
		if (release == Release.RETIRED) {
			worker.process.shutdown();
		}
		if (release != Release.GONE) {
			synchronized (this.lock) {
				dispatch();
			}
		}
	}

	/** What became of a worker whose task ended. */
	private enum Release {

		/** It died or is being stopped, or left the pool: its exit, when seen, replaces it. */
		GONE,

		/** Idle, for the next task. */
		IDLE,

		/** Out of the pool, to be told to exit. */
		RETIRED

	}

	/** Bookkeeping only, quick: the worker is idle, retired (or being stopped) or gone. */
	private Release release(Worker<W> worker, @Nullable Throwable thrown) {
		synchronized (this.lock) {
			worker.current = null;
			worker.tasksDone++;
			// whether it died is the process's state, not the exception's type: a worker that could not resolve its
			// call (WorkerSetupException), or whose task threw an mp exception of its own, is alive and well
			if (worker.process.hasExited() || !this.workers.contains(worker)) {
				return Release.GONE;
			}
			if (worker.process.isStopping()) {
				// being killed: out of the pool now, so that a replacement can start even if the kill never lands
				this.workers.leave(worker);
				return Release.RETIRED;
			}
			boolean inDoubt = leftInDoubt(thrown);
			if (inDoubt) {
				logger.info("Worker '{}' (pid {}) of pool '{}' threw {}: retiring it, since its JVM may be left in a "
						+ "bad state", worker.process.name(), worker.process.pid(), this.name,
						thrown.getClass().getName());
			}
			if (inDoubt || this.closed || (this.options.maxTasksPerWorker() > 0
					&& worker.tasksDone >= this.options.maxTasksPerWorker())) {
				this.workers.leave(worker);
				return Release.RETIRED;
			}
			this.workers.makeIdle(worker);
			return Release.IDLE;
		}
	}

	/**
	 * Whether a task's failure leaves its worker's JVM in doubt: after an {@link OutOfMemoryError} (or another
	 * {@link VirtualMachineError}) any thread may have died half-way through changing shared state. A stack overflow
	 * unwinds only its own thread.
	 */
	private static boolean leftInDoubt(@Nullable Throwable thrown) {
		return thrown instanceof VirtualMachineError && !(thrown instanceof StackOverflowError);
	}

	/** Gives queued tasks to idle workers. Holds the lock. */
	private void assignQueued() {
		while (!this.queue.isEmpty()) {
			Worker<W> worker = this.workers.takeIdle();
			if (worker == null) {
				return;
			}
			assign(worker, this.queue.pollFirst());
		}
	}

	private void timedOut(PoolTask<W> task, Worker<W> worker) {
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

	private void cancelled(PoolTask<W> task) {
		Worker<W> worker;
		synchronized (this.lock) {
			if (this.queue.remove(task)) {
				this.bound.roomMade();
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

	/** Shuts down workers idle for longer than the idle timeout, down to {@code minIdle} workers. */
	public void retireIdle() {
		this.workers.retireIdle();
	}

	/** The pool's live workers. */
	public List<W> workers() {
		return this.workers.processes();
	}

	/** Why the most recent worker failed to start, while no worker has started since. */
	@Nullable public ProcessStartException startFailure() {
		return this.workers.startFailure();
	}

	/** Workers that exited on their own (crash, exit, kill) and were replaced as needed. */
	public long workersReplaced() {
		return this.workers.replaced();
	}

	/** Tasks waiting for a worker. */
	public int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	public boolean isClosed() {
		synchronized (this.lock) {
			return this.closed;
		}
	}

	/**
	 * Takes no new tasks; fails the queued ones; lets running tasks finish for up to {@code grace}, then kills their
	 * workers; shuts idle workers down. Returns when every worker has exited.
	 * @return {@code false} if it was closed already
	 */
	public boolean close(Duration grace) {
		List<PoolTask<W>> dropped;
		List<Worker<W>> all;
		synchronized (this.lock) {
			if (this.closed) {
				return false;
			}
			this.closed = true;
			dropped = new ArrayList<>(this.queue);
			this.queue.clear();
			// callers waiting for room find the pool closed
			this.bound.roomMade();
			all = this.workers.close();
		}
		dropped.forEach((task) -> task.result.completeExceptionally(
				new CancellationException("Pool '" + this.name + "' closed before the task started")));
		PoolWorkers.awaitExit(all, grace);
		return true;
	}

	/** The queue as the workers see it. */
	private final class Queue implements PoolWorkers.Queue {

		@Override
		public boolean isClosed() {
			return PoolScheduler.this.closed;
		}

		@Override
		public void dispatch() {
			PoolScheduler.this.dispatch();
		}

		@Override
		public List<CallbackFuture<Object>> drain() {
			List<CallbackFuture<Object>> drained = new ArrayList<>();
			PoolScheduler.this.queue.forEach((task) -> drained.add(task.result));
			PoolScheduler.this.queue.clear();
			PoolScheduler.this.bound.roomMade();
			return drained;
		}

	}

}

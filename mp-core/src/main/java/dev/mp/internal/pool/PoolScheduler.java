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

import dev.mp.PoolListener;
import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.QueueFullPolicy;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.pool.PoolWorkers.Release;
import dev.mp.internal.pool.PoolWorkers.Worker;

/**
 * A {@link ProcessPool}'s scheduling: the queue of tasks and its bound, one task per worker at a time, and the ends of
 * the pool (shutdown, shutdown now, close) in its {@link PoolLifecycle}. Its {@link PoolWorkers} start, keep, retire
 * and replace the workers, and say what becomes of one whose task ended (idle, recycled after
 * {@code maxTasksPerWorker}, retired when in doubt); its {@link TaskStops} time tasks out and cancel them with their
 * grace; all under the same lock. It knows workers only as {@link PoolWorker}s that the launcher starts, and time only
 * through its {@link PoolClock}.
 *
 * @param <W> the workers it runs tasks in
 */
public final class PoolScheduler<W extends PoolWorker> {

	private final String name;

	private final PoolOptions options;

	private final PoolClock clock;

	private final Executor callbacks;

	private final PoolEvents events;

	private final Object lock = new Object();

	private final Deque<PoolTask<W>> queue = new ArrayDeque<>();

	private final PoolWorkers<W> workers;

	private final PoolLifecycle lifecycle;

	private final QueueBound bound;

	private final TaskStops<W> stops;

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
		this.lifecycle = new PoolLifecycle(name);
		this.stops = new TaskStops<>(name, options, clock, this.lock, this::unqueue);
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

	/** {@link #submit(CallRequest, Object)} of a call that no shutdown returns: the pool's own, a bean call. */
	public CallbackFuture<Object> submit(CallRequest request) {
		return submit(request, null);
	}

	/**
	 * Queues a call for the next free worker. When {@code maxQueued} tasks already wait for a busy worker, the call is
	 * rejected or its caller waits for room, as the pool's {@link QueueFullPolicy} says.
	 * @param original the task as the caller gave it, for {@link #shutdownNow()} to return if it never starts
	 * @throws RejectedExecutionException if the queue is full and the policy rejects, if the caller is interrupted
	 * while it waits for room (its interrupt kept), or if the pool is shut down, or shuts down while the caller waits
	 * @throws RejectedExecutionException if the pool is shut down or closed, or closes while the caller waits for room
	 */
	public CallbackFuture<Object> submit(CallRequest request, @Nullable Object original) {
		boolean wait = this.options.queueFullPolicy() == QueueFullPolicy.WAIT;
		try {
			// without a time limit it never gives up
			return Objects.requireNonNull(enqueue(request, original, Long.MAX_VALUE, !wait));
		}
		catch (InterruptedException ex) {
			throw this.bound.interrupted(ex);
		}
	}

	/**
	 * Queues a call, waiting up to {@code maxWaitNanos} for room in a full queue whatever the pool's
	 * {@link QueueFullPolicy}, as {@link java.util.concurrent.BlockingQueue#offer(Object, long, TimeUnit)} does: for
	 * the tasks of a batch whose caller waits for them all anyway.
	 * @param original as for {@link #submit(CallRequest, Object)}
	 * @param maxWaitNanos {@link Long#MAX_VALUE} for no limit
	 * @return the call's result, or {@code null} if no room came within the time
	 * @throws RejectedExecutionException if the pool is shut down, or shuts down while the caller waits for room
	 * @throws RejectedExecutionException if the pool is shut down or closed, or closes while the caller waits for room
	 */
	public @Nullable CallbackFuture<Object> offer(CallRequest request, @Nullable Object original, long maxWaitNanos)
			throws InterruptedException {
		return enqueue(request, original, maxWaitNanos, false);
	}

	/**
	 * @param reject whether a full queue throws at once rather than waits
	 * @return {@code null} if the queue stayed full for {@code maxWaitNanos}
	 */
	private @Nullable CallbackFuture<Object> enqueue(CallRequest request, @Nullable Object original,
			long maxWaitNanos, boolean reject) throws InterruptedException {
		CallbackFuture<Object> result;
		try {
			result = enqueueObserved(request, original, maxWaitNanos, reject);
		}
		catch (InterruptedException | RuntimeException ex) {
			request.observeFailed(ex);
			throw ex;
		}
		if (result == null) {
			request.observeFailed(new CancellationException("No room in the queue of pool '" + this.name + "'"));
		}
		return result;
	}

	/** {@link #enqueue}, once the call's observation has a way to end whatever comes of it. */
	private @Nullable CallbackFuture<Object> enqueueObserved(CallRequest request, @Nullable Object original,
			long maxWaitNanos, boolean reject) throws InterruptedException {
		PoolTask<W> task = new PoolTask<>(request, new CallbackFuture<>(this.callbacks), original,
				this.clock.nanoTime());
		request.observeUntil(task.result);
		task.result.whenDone((value, failure) -> {
			if (task.result.isCancelled()) {
				this.stops.cancelled(task);
			}
		});
		synchronized (this.lock) {
			long left = maxWaitNanos;
			while (true) {
				this.lifecycle.checkOpen();
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
		while (this.queue.size() > starting && !this.workers.isFull() && !this.lifecycle.isClosed()) {
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
		ChildCall call = worker.process.call(task.request, task.result);
		task.callId = call.id();
		task.result.beforeWaiting((maxNanos) -> worker.process.spinForAnswer(call.id(), maxNanos));
		Duration timeout = this.options.taskTimeout();
		if (timeout != null) {
			task.timer = this.clock.schedule(() -> this.stops.timedOut(task, worker), timeout);
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
			release = this.workers.release(worker, thrown);
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

	/** Takes a cancelled task out of the queue, if it is still there. Holds the lock. */
	private boolean unqueue(PoolTask<W> task) {
		if (!this.queue.remove(task)) {
			return false;
		}
		this.bound.roomMade();
		terminateIfDone();
		return true;
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
			return this.lifecycle.isClosed();
		}
	}

	/** Whether it takes no new tasks: shut down or closed. */
	public boolean isShutdown() {
		synchronized (this.lock) {
			return this.lifecycle.isShutdown();
		}
	}

	/** Whether it is shut down, with nothing queued and every worker gone. */
	public boolean isTerminated() {
		return this.lifecycle.isTerminated();
	}

	/** Waits until it is terminated, at most the given time; {@code true} if it is. */
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		return this.lifecycle.awaitTermination(timeout, unit);
	}

	/** Runs the action once it is terminated, under the pool's lock: it must be quick and take none of its locks. */
	public void whenTerminated(Runnable action) {
		this.lifecycle.whenTerminated(action);
	}

	/**
	 * Takes no new tasks; the queued and running ones still run, and workers exit as they go idle with nothing
	 * queued. Returns at once.
	 */
	public void shutdown() {
		synchronized (this.lock) {
			this.lifecycle.shutDown();
			// callers waiting for room find the pool shut down
			this.bound.roomMade();
			if (drained()) {
				this.workers.shutDownIdle();
			}
			terminateIfDone();
		}
	}

	/**
	 * Shuts down; cancels the queued tasks, and the running ones with interruption (their workers are killed past the
	 * cancel grace). Returns at once.
	 * @return the tasks that never started, as their callers gave them, in queue order; the pool's own calls are not
	 * among them
	 */
	public List<Object> shutdownNow() {
		List<PoolTask<W>> dropped;
		List<PoolTask<W>> running;
		synchronized (this.lock) {
			this.lifecycle.shutDown();
			dropped = takeQueued();
			running = this.workers.running();
			this.workers.shutDownIdle();
			terminateIfDone();
		}
		cancel(dropped, "shut down");
		running.forEach((task) -> task.result.cancel(true));
		return dropped.stream().<Object>map((task) -> task.original).filter(Objects::nonNull).toList();
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
			if (!this.lifecycle.close()) {
				return false;
			}
			dropped = takeQueued();
			all = this.workers.close();
			terminateIfDone();
		}
		cancel(dropped, "closed");
		PoolWorkers.awaitExit(all, grace);
		return true;
	}

	/** Empties the queue; callers waiting for room find it empty, or the pool shut down. Holds the lock. */
	private List<PoolTask<W>> takeQueued() {
		List<PoolTask<W>> taken = new ArrayList<>(this.queue);
		this.queue.clear();
		this.bound.roomMade();
		return taken;
	}

	private void cancel(List<PoolTask<W>> dropped, String why) {
		dropped.forEach((task) -> task.result.completeExceptionally(
				new CancellationException("Pool '" + this.name + "' " + why + " before the task started")));
	}

	/** Whether it takes no new tasks and has none queued: a worker without a task is not needed. Holds the lock. */
	private boolean drained() {
		return this.lifecycle.isShutdown() && this.queue.isEmpty();
	}

	/** Terminates once it is drained and no worker is left. Holds the lock. */
	private void terminateIfDone() {
		this.lifecycle.terminateIf(drained() && !this.workers.anyLive());
	}

	/** The queue as the workers see it. */
	private final class Queue implements PoolQueue {

		@Override
		public boolean isClosed() {
			return PoolScheduler.this.lifecycle.isClosed();
		}

		@Override
		public boolean isShutdown() {
			return PoolScheduler.this.lifecycle.isShutdown();
		}

		@Override
		public boolean isDrained() {
			return drained();
		}

		@Override
		public void dispatch() {
			PoolScheduler.this.dispatch();
		}

		@Override
		public List<CallbackFuture<Object>> drain() {
			List<CallbackFuture<Object>> drained = takeQueued().stream().map((task) -> task.result).toList();
			terminateIfDone();
			return drained;
		}

		@Override
		public void terminateIfDone() {
			PoolScheduler.this.terminateIfDone();
		}

	}

}

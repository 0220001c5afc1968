package dev.mp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessPool}'s scheduling: the queue of tasks, its workers (starting, idle, busy), one task per worker at a
 * time, task timeouts, cancels, recycling after {@code maxTasksPerWorker}, idle retirement, start failures and the
 * replacement of workers that die. It knows workers only as {@link PoolWorker}s that the launcher starts, and time only
 * through its {@link PoolClock}.
 *
 * @param <W> the workers it runs tasks in
 */
final class PoolScheduler<W extends PoolWorker> {

	// the pool's own category: what an operator configures for the pool
	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final String name;

	private final PoolOptions options;

	private final @Nullable CallRequest initializer;

	private final Function<String, W> launcher;

	private final PoolClock clock;

	private final Executor callbacks;

	private final List<PoolListener> listeners;

	private final Object lock = new Object();

	private final Deque<Task> queue = new ArrayDeque<>();

	private final Deque<Worker> idle = new ArrayDeque<>();

	private final Set<Worker> workers = new LinkedHashSet<>();

	private final AtomicInteger workerCount = new AtomicInteger();

	private final StartFailures startFailures;

	private boolean closed;

	private long replaced;

	/**
	 * @param initializer the call each worker runs before its first task, if any
	 * @param launcher starts a worker of the given name; may throw if there is no process at all
	 * @param callbacks where callers' callbacks run
	 */
	PoolScheduler(String name, PoolOptions options, @Nullable CallRequest initializer, Function<String, W> launcher,
			PoolClock clock, Executor callbacks, List<PoolListener> listeners) {
		this.name = name;
		this.options = options;
		this.initializer = initializer;
		this.launcher = launcher;
		this.clock = clock;
		this.callbacks = callbacks;
		this.listeners = listeners;
		this.startFailures = new StartFailures(name, options.maxStartFailures(), options.startFailurePeriod());
	}

	/** Starts workers until {@code minIdle} are starting or ready. */
	void warmUp() {
		synchronized (this.lock) {
			ensureMinimum();
		}
	}

	/** Completes when {@code minIdle} workers are ready. */
	CompletableFuture<Void> whenWarm() {
		List<CompletableFuture<Void>> ready;
		synchronized (this.lock) {
			ensureMinimum();
			ready = this.workers.stream().map((w) -> w.ready).toList();
		}
		return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new));
	}

	/**
	 * Queues a call for the next free worker.
	 * @throws IllegalStateException if the pool is closed
	 */
	CallbackFuture<Object> submit(CallRequest request) {
		Task task = new Task(request, new CallbackFuture<>(this.callbacks));
		task.result.whenDone((value, failure) -> {
			if (task.result.isCancelled()) {
				cancelled(task);
			}
		});
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("Pool '" + this.name + "' is closed: it takes no new tasks");
			}
			ProcessStartException storm = this.startFailures.storm(this.clock.nanoTime());
			if (storm != null) {
				task.result.completeExceptionally(storm);
				return task.result;
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

	/** Hands queued tasks to idle workers and starts workers for the rest, up to the pool size. Holds the lock. */
	private void dispatch() {
		assignQueued();
		// a full pool starts nothing: the common case of every call, spared the counting below
		if (this.workers.size() >= this.options.size()) {
			return;
		}
		long starting = this.workers.stream().filter((w) -> !w.ready.isDone()).count();
		while (this.queue.size() > starting && this.workers.size() < this.options.size() && !this.closed) {
			if (!startWorker()) {
				// could not launch one: the queue has failed with the reason, and the next would fail alike
				return;
			}
			starting++;
		}
		ensureMinimum();
	}

	private void ensureMinimum() {
		if (this.startFailures.any()) {
			return;
		}
		long available = this.workers.stream().filter((w) -> w.current == null).count();
		while (available < this.options.minIdle() && this.workers.size() < this.options.size() && !this.closed) {
			if (!startWorker()) {
				return;
			}
			available++;
		}
	}

	/** Launches a worker; {@code false} if none could be launched (the queue has then failed with the reason). */
	private boolean startWorker() {
		String workerName = this.name + "-" + this.workerCount.incrementAndGet();
		W process;
		try {
			process = this.launcher.apply(workerName);
		}
		catch (RuntimeException ex) {
			// no process at all (no java there, no fork, a template closing): a start failure like any other, not an
			// exception thrown into whoever happened to dispatch
			launchFailed((ex instanceof ProcessStartException start) ? start
					: new ProcessStartException("Cannot launch worker '" + workerName + "' of pool '" + this.name
							+ "': " + ex.getMessage(), workerName, -1, List.of(), null, List.of(), ex));
			return false;
		}
		Worker worker = new Worker(process);
		this.workers.add(worker);
		CompletableFuture<Void> connected = process.whenReady();
		CallRequest initializer = this.initializer;
		CompletableFuture<?> prepared = (initializer != null)
				? connected.thenCompose((ignored) -> process.call(initializer).result()) : connected;
		prepared.whenComplete((value, failure) -> {
			if (failure != null) {
				startFailed(worker, ChildCall.unwrap(failure));
				worker.ready.complete(null);
				return;
			}
			report((listener) -> listener.workerStarted(this.name,
					Duration.between(process.startTime(), Instant.now())));
			synchronized (this.lock) {
				this.startFailures.started();
				if (this.workers.contains(worker) && worker.current == null) {
					if (this.closed) {
						// ready after close() began: told to exit, not left for close() to kill
						retire(worker);
					}
					else {
						becomeIdle(worker);
					}
				}
			}
			// after it is idle in the pool, so that whoever waited for warm workers finds it there
			worker.ready.complete(null);
		});
		process.onExit().thenRun(() -> workerExited(worker));
		return true;
	}

	/**
	 * A worker whose process could not even be created: counted as a start failure; the queued tasks fail with it,
	 * on the callback executor, since this runs under the pool's lock and a caller's own callback may wait for another
	 * task of the pool.
	 */
	private void launchFailed(ProcessStartException reason) {
		List<Task> failed;
		synchronized (this.lock) {
			this.startFailures.failed(reason, this.clock.nanoTime());
			failed = new ArrayList<>(this.queue);
			this.queue.clear();
		}
		logger.warn("A worker of pool '{}' could not be launched; {} queued task(s) fail with the reason: {}",
				this.name, failed.size(), reason.getMessage());
		Runnable fail = () -> failed.forEach((task) -> task.result.completeExceptionally(reason));
		try {
			this.callbacks.execute(fail);
		}
		catch (RejectedExecutionException ex) {
			// the template is closing: nobody's callback runs any more
			fail.run();
		}
	}

	/**
	 * A worker that cannot start (bad JVM option, failing initializer, broken application context) would fail the
	 * same way again: the tasks waiting for it fail with the reason, and no worker is started ahead of need until one
	 * starts; each new task still tries once.
	 */
	private void startFailed(Worker worker, Throwable failure) {
		W process = worker.process;
		if (failure instanceof ProcessStartException start && start.signal().isPresent()) {
			// killed from outside while starting (an OOM killer, an operator): no sign that the next one cannot
			// start, so the queue waits for the replacement its exit brings
			logger.info("Worker '{}' of pool '{}' was killed while starting ({}); replacing it", process.name(),
					this.name, ExitCodes.describe(start.exitCode().orElse(0)));
			return;
		}
		ProcessStartException reason = (failure instanceof ProcessStartException start) ? start
				: new ProcessStartException("Worker of pool '" + this.name + "' failed its initializer: " + failure,
						process.name(), process.pid(), process.command(), null, process.outputTail(), failure);
		if (process.isAlive()) {
			process.kill();
		}
		List<Task> failed;
		synchronized (this.lock) {
			this.startFailures.failed(reason, this.clock.nanoTime());
			this.workers.remove(worker);
			failed = new ArrayList<>(this.queue);
			this.queue.clear();
		}
		logger.warn("A worker of pool '{}' could not start; {} queued task(s) fail with the reason", this.name,
				failed.size());
		failed.forEach((task) -> task.result.completeExceptionally(reason));
	}

	private void assign(Worker worker, Task task) {
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

	private void finished(Worker worker, Task task, Object value, @Nullable Throwable failure) {
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
		report((listener) -> listener.taskEnded(this.name, Duration.ofNanos(task.started - task.submitted),
				Duration.ofNanos(now - task.started), outcome(task.result)));
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
	private Release release(Worker worker, @Nullable Throwable thrown) {
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
				leave(worker);
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
				leave(worker);
				return Release.RETIRED;
			}
			makeIdle(worker);
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
		while (!this.queue.isEmpty() && !this.idle.isEmpty()) {
			Worker worker = this.idle.pollFirst();
			if (worker.process.hasExited() || worker.process.isStopping()) {
				// exiting or told to stop: its exit replaces it; the task waits for a live one
				continue;
			}
			assign(worker, this.queue.pollFirst());
		}
	}

	private void becomeIdle(Worker worker) {
		makeIdle(worker);
		dispatch();
	}

	private void makeIdle(Worker worker) {
		worker.idleSince = this.clock.nanoTime();
		this.idle.addFirst(worker);
	}

	private void retire(Worker worker) {
		leave(worker);
		worker.process.shutdown();
	}

	/** Out of the pool: no task is given to it, and a replacement may start. Holds the lock. */
	private void leave(Worker worker) {
		this.workers.remove(worker);
		this.idle.remove(worker);
	}

	private void timedOut(Task task, Worker worker) {
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

	private void cancelled(Task task) {
		Worker worker;
		synchronized (this.lock) {
			if (this.queue.remove(task)) {
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

	private void workerExited(Worker worker) {
		String died = null;
		synchronized (this.lock) {
			boolean wasMember = this.workers.remove(worker);
			this.idle.remove(worker);
			if (wasMember && !this.closed) {
				this.replaced++;
				int exitCode = worker.process.exitCode().orElse(0);
				died = ExitCodes.cause(exitCode);
				logger.info("Worker '{}' (pid {}) of pool '{}' exited ({}); replacing it as needed",
						worker.process.name(), worker.process.pid(), this.name, ExitCodes.describe(exitCode));
			}
			if (!this.closed) {
				dispatch();
			}
		}
		if (died != null) {
			// outside the lock: a listener may take locks of its own, as may a thread cancelling a task
			String cause = died;
			report((listener) -> listener.workerDied(this.name, cause));
		}
	}

	/** Shuts down workers idle for longer than the idle timeout, down to {@code minIdle} workers. */
	void retireIdle() {
		Duration timeout = this.options.idleTimeout();
		synchronized (this.lock) {
			long now = this.clock.nanoTime();
			Iterator<Worker> candidates = this.idle.descendingIterator();
			while (candidates.hasNext() && this.workers.size() > this.options.minIdle()) {
				Worker worker = candidates.next();
				if (now - worker.idleSince >= timeout.toNanos()) {
					candidates.remove();
					retire(worker);
				}
			}
		}
	}

	/** The pool's live workers. */
	List<W> workers() {
		synchronized (this.lock) {
			return this.workers.stream().map((w) -> w.process).toList();
		}
	}

	/** Why the most recent worker failed to start, while no worker has started since. */
	@Nullable ProcessStartException startFailure() {
		return this.startFailures.last();
	}

	/** Workers that exited on their own (crash, exit, kill) and were replaced as needed. */
	long workersReplaced() {
		synchronized (this.lock) {
			return this.replaced;
		}
	}

	/** Tasks waiting for a worker. */
	int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	boolean isClosed() {
		synchronized (this.lock) {
			return this.closed;
		}
	}

	/**
	 * Takes no new tasks; fails the queued ones; lets running tasks finish for up to {@code grace}, then kills their
	 * workers; shuts idle workers down. Returns when every worker has exited.
	 * @return {@code false} if it was closed already
	 */
	boolean close(Duration grace) {
		List<Task> dropped;
		List<Worker> all;
		synchronized (this.lock) {
			if (this.closed) {
				return false;
			}
			this.closed = true;
			dropped = new ArrayList<>(this.queue);
			this.queue.clear();
			all = new ArrayList<>(this.workers);
			new ArrayList<>(this.idle).forEach(this::retire);
		}
		dropped.forEach((task) -> task.result.completeExceptionally(
				new CancellationException("Pool '" + this.name + "' closed before the task started")));
		// a real wait, on the system's clock
		long end = System.nanoTime() + grace.toNanos();
		for (Worker worker : all) {
			Task running = worker.current;
			if (running != null) {
				try {
					running.result.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				catch (Exception ex) {
					// its caller sees how it ended
				}
			}
			if (worker.current != null || !worker.process.awaitExit(1_000)) {
				worker.process.kill();
			}
			worker.process.awaitExit(5_000);
		}
		return true;
	}

	private static PoolListener.TaskOutcome outcome(CompletableFuture<Object> result) {
		if (result.isCancelled()) {
			return PoolListener.TaskOutcome.CANCELLED;
		}
		try {
			result.getNow(null);
			return PoolListener.TaskOutcome.SUCCESS;
		}
		catch (CancellationException ex) {
			return PoolListener.TaskOutcome.CANCELLED;
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			return (cause instanceof TaskTimeoutException) ? PoolListener.TaskOutcome.TIMEOUT
					: (cause instanceof ChildProcessException) ? PoolListener.TaskOutcome.CRASH
							: PoolListener.TaskOutcome.FAILURE;
		}
	}

	private void report(Consumer<PoolListener> event) {
		for (PoolListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Pool listener {} failed; ignoring it: {}", listener, ex.toString());
			}
		}
	}

	private final class Worker {

		private final W process;

		private final CompletableFuture<Void> ready = new CompletableFuture<>();

		private volatile @Nullable Task current;

		private int tasksDone;

		private long idleSince;

		Worker(W process) {
			this.process = process;
		}

	}

	private final class Task {

		/** Frozen while it waits in the queue; read and written under the pool's lock. */
		private CallRequest request;

		private final CallbackFuture<Object> result;

		private volatile @Nullable Worker worker;

		private volatile long callId;

		private volatile @Nullable Future<?> timer;

		private final long submitted = PoolScheduler.this.clock.nanoTime();

		private volatile long started;

		Task(CallRequest request, CallbackFuture<Object> result) {
			this.request = request;
			this.result = result;
		}

	}

}

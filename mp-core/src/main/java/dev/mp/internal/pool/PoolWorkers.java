package dev.mp.internal.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.launch.ExitCodes;

/**
 * A {@link PoolScheduler}'s worker bookkeeping: starting workers (and the start failures), what becomes of a worker
 * whose task ended, idle workers, retiring, replacing those that exit, and waiting for them all on close. Its state is
 * guarded by the pool's lock; the methods that say they hold it expect the caller to.
 *
 * @param <W> the workers it keeps
 */
final class PoolWorkers<W extends PoolWorker> {

	// the pool's own category: what an operator configures for the pool
	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final String name;

	private final PoolOptions options;

	private final @Nullable CallRequest initializer;

	private final Function<String, W> launcher;

	private final PoolClock clock;

	private final Executor callbacks;

	private final PoolEvents events;

	private final Object lock;

	private final PoolQueue queue;

	private final Deque<Worker<W>> idle = new ArrayDeque<>();

	private final Set<Worker<W>> workers = new LinkedHashSet<>();

	private final AtomicInteger workerCount = new AtomicInteger();

	/** Workers launched whose exit has not been seen, in the pool or not. */
	private int live;

	private final StartFailures startFailures;

	private long replaced;

	PoolWorkers(String name, PoolOptions options, @Nullable CallRequest initializer, Function<String, W> launcher,
			PoolClock clock, Executor callbacks, PoolEvents events, Object lock, PoolQueue queue) {
		this.name = name;
		this.options = options;
		this.initializer = initializer;
		this.launcher = launcher;
		this.clock = clock;
		this.callbacks = callbacks;
		this.events = events;
		this.lock = lock;
		this.queue = queue;
		this.startFailures = new StartFailures(name, options.maxStartFailures(), options.startFailurePeriod());
	}

	/** The failure storm new tasks fail with at once, if one is going on. Holds the lock. */
	@Nullable ProcessStartException storm() {
		return this.startFailures.storm(this.clock.nanoTime());
	}

	/** Whether the pool has room for another worker. Holds the lock. */
	boolean isFull() {
		return this.workers.size() >= this.options.size();
	}

	/** Workers launched and not yet ready. Holds the lock. */
	long starting() {
		return this.workers.stream().filter((w) -> !w.ready.isDone()).count();
	}

	/** What completes as each worker is ready. Holds the lock. */
	List<CompletableFuture<Void>> readiness() {
		return this.workers.stream().map((w) -> w.ready).toList();
	}

	/** Starts workers until {@code minIdle} are starting or idle, unless workers fail to start. Holds the lock. */
	void ensureMinimum() {
		if (this.startFailures.any()) {
			return;
		}
		long available = this.workers.stream().filter((w) -> w.current == null).count();
		while (available < this.options.minIdle() && !isFull() && !this.queue.isShutdown()) {
			if (!start()) {
				return;
			}
			available++;
		}
	}

	/**
	 * Launches a worker; {@code false} if none could be launched (the queue has then failed with the reason). Holds
	 * the lock.
	 */
	boolean start() {
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
		Worker<W> worker = new Worker<>(process);
		this.workers.add(worker);
		this.live++;
		CompletableFuture<Void> connected = process.whenReady();
		CallRequest initializer = this.initializer;
		CompletableFuture<?> prepared = (initializer != null)
				? connected.thenCompose((ignored) -> process.call(initializer, null).result()) : connected;
		prepared.whenComplete((value, failure) -> {
			if (failure != null) {
				startFailed(worker, ChildCall.unwrap(failure));
				worker.ready.complete(null);
				return;
			}
			this.events.workerStarted(Duration.between(process.startTime(), Instant.now()));
			synchronized (this.lock) {
				this.startFailures.started();
				if (this.workers.contains(worker) && worker.current == null) {
					if (this.queue.isDrained()) {
						// ready after a shutdown or close() began, with nothing to do: told to exit, not left for
						// close() to kill
						retire(worker);
					}
					else {
						makeIdle(worker);
						this.queue.dispatch();
					}
				}
			}
			// after it is idle in the pool, so that whoever waited for warm workers finds it there
			worker.ready.complete(null);
		});
		process.onExit().thenRun(() -> exited(worker));
		return true;
	}

	/**
	 * A worker whose process could not even be created: counted as a start failure; the queued tasks fail with it,
	 * on the callback executor, since this runs under the pool's lock and a caller's own callback may wait for another
	 * task of the pool.
	 */
	private void launchFailed(ProcessStartException reason) {
		List<CallbackFuture<Object>> failed;
		synchronized (this.lock) {
			this.startFailures.failed(reason, this.clock.nanoTime());
			failed = this.queue.drain();
		}
		logger.warn("A worker of pool '{}' could not be launched; {} queued task(s) fail with the reason: {}",
				this.name, failed.size(), reason.getMessage());
		Runnable fail = () -> failed.forEach((result) -> result.completeExceptionally(reason));
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
	private void startFailed(Worker<W> worker, Throwable failure) {
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
		List<CallbackFuture<Object>> failed;
		synchronized (this.lock) {
			this.startFailures.failed(reason, this.clock.nanoTime());
			this.workers.remove(worker);
			failed = this.queue.drain();
		}
		logger.warn("A worker of pool '{}' could not start; {} queued task(s) fail with the reason", this.name,
				failed.size());
		failed.forEach((result) -> result.completeExceptionally(reason));
	}

	/** What became of a worker whose task ended. */
	enum Release {

		/** It died or is being stopped, or left the pool: its exit, when seen, replaces it. */
		GONE,

		/** Idle, for the next task. */
		IDLE,

		/** Out of the pool, to be told to exit. */
		RETIRED

	}

	/**
	 * What becomes of a worker whose task ended: idle, retired (recycled after {@code maxTasksPerWorker}, in doubt,
	 * not needed by a drained queue, being stopped) or gone. Bookkeeping only, quick.
	 */
	Release release(Worker<W> worker, @Nullable Throwable thrown) {
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
			if (inDoubt || this.queue.isDrained() || (this.options.maxTasksPerWorker() > 0
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

	/** The next idle worker that can take a task, if any. Holds the lock. */
	@Nullable Worker<W> takeIdle() {
		Worker<W> worker;
		while ((worker = this.idle.pollFirst()) != null) {
			if (!worker.process.hasExited() && !worker.process.isStopping()) {
				return worker;
			}
			// exiting or told to stop: its exit replaces it; the task waits for a live one
		}
		return null;
	}

	/** Holds the lock. */
	private void makeIdle(Worker<W> worker) {
		worker.idleSince = this.clock.nanoTime();
		this.idle.addFirst(worker);
	}

	private void retire(Worker<W> worker) {
		leave(worker);
		worker.process.shutdown();
	}

	/** Out of the pool: no task is given to it, and a replacement may start. Holds the lock. */
	private void leave(Worker<W> worker) {
		this.workers.remove(worker);
		this.idle.remove(worker);
	}

	private void exited(Worker<W> worker) {
		String died = null;
		synchronized (this.lock) {
			boolean wasMember = this.workers.remove(worker);
			this.idle.remove(worker);
			this.live--;
			boolean closed = this.queue.isClosed();
			if (wasMember && !closed) {
				this.replaced++;
				int exitCode = worker.process.exitCode().orElse(0);
				died = ExitCodes.cause(exitCode);
				logger.info("Worker '{}' (pid {}) of pool '{}' exited ({}); replacing it as needed",
						worker.process.name(), worker.process.pid(), this.name, ExitCodes.describe(exitCode));
			}
			if (!closed) {
				this.queue.dispatch();
			}
			this.queue.terminateIfDone();
		}
		if (died != null) {
			// outside the lock: a listener may take locks of its own, as may a thread cancelling a task
			this.events.workerDied(died);
		}
	}

	/** Shuts down workers idle for longer than the idle timeout, down to {@code minIdle} workers. */
	void retireIdle() {
		Duration timeout = this.options.idleTimeout();
		synchronized (this.lock) {
			long now = this.clock.nanoTime();
			Iterator<Worker<W>> candidates = this.idle.descendingIterator();
			while (candidates.hasNext() && this.workers.size() > this.options.minIdle()) {
				Worker<W> worker = candidates.next();
				if (now - worker.idleSince >= timeout.toNanos()) {
					candidates.remove();
					retire(worker);
				}
			}
		}
	}

	/** The pool's live workers. */
	List<W> processes() {
		synchronized (this.lock) {
			return this.workers.stream().map((w) -> w.process).toList();
		}
	}

	/** Why the most recent worker failed to start, while no worker has started since. */
	@Nullable ProcessStartException startFailure() {
		return this.startFailures.last();
	}

	/** Workers that exited on their own (crash, exit, kill) and were replaced as needed. */
	long replaced() {
		synchronized (this.lock) {
			return this.replaced;
		}
	}

	/** Whether a worker launched has not exited yet. Holds the lock. */
	boolean anyLive() {
		return this.live > 0;
	}

	/** The tasks the pool's workers run. Holds the lock. */
	List<PoolTask<W>> running() {
		return this.workers.stream().map((w) -> w.current).filter(Objects::nonNull).toList();
	}

	/** Shuts idle workers down. Holds the lock. */
	void shutDownIdle() {
		new ArrayList<>(this.idle).forEach(this::retire);
	}

	/** Shuts idle workers down; returns every worker, for {@link #awaitExit}. Holds the lock. */
	List<Worker<W>> close() {
		List<Worker<W>> all = new ArrayList<>(this.workers);
		shutDownIdle();
		return all;
	}

	/** Lets running tasks finish for up to {@code grace}, then kills their workers; waits for every worker's exit. */
	static <W extends PoolWorker> void awaitExit(List<Worker<W>> all, Duration grace) {
		// a real wait, on the system's clock
		long end = System.nanoTime() + grace.toNanos();
		for (Worker<W> worker : all) {
			PoolTask<W> running = worker.current;
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
	}

	/** A worker in the pool, and the task it runs. */
	static final class Worker<W extends PoolWorker> {

		final W process;

		private final CompletableFuture<Void> ready = new CompletableFuture<>();

		volatile @Nullable PoolTask<W> current;

		int tasksDone;

		private long idleSince;

		Worker(W process) {
			this.process = process;
		}

	}

}

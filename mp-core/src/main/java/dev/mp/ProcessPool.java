package dev.mp;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.call.BeanMethodInvocation;
import dev.mp.spi.BeanCall;

/**
 * Warm child JVMs that take tasks one at a time each, as Python's {@code Pool} and {@code ProcessPoolExecutor}:
 * {@link #submit}, {@link #invokeAll}, {@link #map} (ordered, chunked), {@link #imap}, {@link #imapUnordered} and
 * {@link #starmap}, with {@code maxTasksPerWorker}, an initializer, an idle timeout and a task timeout.
 * <p>
 * A worker that dies fails only the task it was running (with its exit code, signal and last output) and is replaced;
 * queued tasks wait for the replacement, nothing is lost. A task past its timeout gets its worker killed. Cancelling a
 * task's future with interruption interrupts it in the worker, and kills the worker if it does not answer within
 * the cancel grace.
 */
public final class ProcessPool implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final ProcessTemplate template;

	private final String name;

	private final PoolOptions options;

	private final Object lock = new Object();

	private final Deque<Task> queue = new ArrayDeque<>();

	private final Deque<Worker> idle = new ArrayDeque<>();

	private final Set<Worker> workers = new LinkedHashSet<>();

	private final AtomicInteger workerCount = new AtomicInteger();

	private final ScheduledFuture<?> idleReaper;

	private final CallRequest initializer;

	private boolean closed;

	/** Workers in a row that failed to start; while above zero, no worker is started ahead of need. */
	private int startFailures;

	private volatile ProcessStartException lastStartFailure;

	private long replaced;

	/** When recent workers failed to start, oldest first; guarded by the lock. */
	private final Deque<Long> startFailureTimes = new ArrayDeque<>();

	ProcessPool(ProcessTemplate template, String name, PoolOptions options) {
		this.template = template;
		this.name = name;
		this.options = options;
		this.initializer = (options.initializer() != null) ? encodeTask(wrap(options.initializer()),
				"initializer of pool " + name, options.initializer().getClass()).frozen() : null;
		Duration idleTimeout = options.idleTimeout();
		this.idleReaper = (idleTimeout != null) ? template.scheduler()
			.scheduleWithFixedDelay(this::retireIdle, idleTimeout.toMillis(), Math.max(100, idleTimeout.toMillis() / 4),
					TimeUnit.MILLISECONDS) : null;
	}

	public String name() {
		return this.name;
	}

	public PoolOptions options() {
		return this.options;
	}

	/** Starts workers until {@code minIdle} are starting or ready, in parallel; returns without waiting for them. */
	public ProcessPool warmUp() {
		synchronized (this.lock) {
			ensureMinimum();
		}
		return this;
	}

	/** Completes when {@code minIdle} workers are ready. */
	public CompletableFuture<Void> whenWarm() {
		List<CompletableFuture<Void>> ready;
		synchronized (this.lock) {
			ensureMinimum();
			ready = this.workers.stream().map((w) -> w.ready).toList();
		}
		return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new));
	}

	/**
	 * Runs a task in a worker.
	 * @throws dev.mp.SerializationException at once if the task cannot be serialized
	 * @throws IllegalStateException if the pool is closed
	 */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
		return (CompletableFuture<T>) submitEncoded(encodeTask(task, null, task.getClass()));
	}

	/** Runs a bean method call in a worker. */
	public CompletableFuture<Object> invoke(BeanCall call) {
		return submitEncoded(this.template.encodeInvocation(BeanMethodInvocation.of(call)));
	}

	/** Submits every task and waits until all are done, as {@code ExecutorService.invokeAll}. */
	public <T> List<Future<T>> invokeAll(Collection<? extends SerializableCallable<T>> tasks)
			throws InterruptedException {
		List<CompletableFuture<T>> futures = tasks.stream().map(this::submit).toList();
		for (CompletableFuture<T> future : futures) {
			try {
				future.get();
			}
			catch (ExecutionException | CancellationException ex) {
				// reported by the future itself
			}
		}
		return List.copyOf(futures);
	}

	/**
	 * Applies {@code function} to every item in the workers and returns the results in input order, as Python's
	 * {@code Pool.map}; items travel in chunks of about {@code items / (4 * size)}.
	 * @throws CompletionException with the first failure, after all chunks have finished
	 */
	public <T, R> List<R> map(SerializableFunction<T, R> function, List<T> items) {
		return map(function, items, defaultChunkSize(items.size()));
	}

	/** {@link #map(SerializableFunction, List)} with a chosen chunk size. */
	public <T, R> List<R> map(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		List<R> results = new ArrayList<>(items.size());
		imap(function, items, chunkSize).forEachOrdered(results::add);
		return results;
	}

	/**
	 * {@link #map(SerializableFunction, List, int)} over a stream's items; the stream is consumed first, and chunks
	 * go out as they are formed.
	 */
	public <T, R> List<R> map(SerializableFunction<T, R> function, Stream<T> items, int chunkSize) {
		return map(function, items.toList(), chunkSize);
	}

	/** Like {@link #map} but streams results in input order as their chunks finish, as Python's {@code imap}. */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		List<CallbackFuture<CompactList<R>>> chunks = submitChunks(function, items, chunkSize);
		// joined as submitted, not through thenApply: that would cost each chunk a hop to the callback executor, and
		// a wait on the task's own future may take its answer from the worker's mailbox
		return chunks.stream().flatMap((chunk) -> chunk.join().items().stream());
	}

	/** Streams results as they finish, in no particular order, as Python's {@code imap_unordered}. */
	public <T, R> Stream<R> imapUnordered(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		List<CallbackFuture<CompactList<R>>> chunks = submitChunks(function, items, chunkSize);
		BlockingQueue<CompletableFuture<CompactList<R>>> done = new LinkedBlockingQueue<>();
		chunks.forEach((chunk) -> chunk.whenDone((value, failure) -> done.add(chunk)));
		Iterator<List<R>> finished = new Iterator<>() {

			private int taken;

			@Override
			public boolean hasNext() {
				return this.taken < chunks.size();
			}

			@Override
			public List<R> next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				this.taken++;
				try {
					return done.take().join().items();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new CancellationException("Interrupted while waiting for results of pool " + ProcessPool.this.name);
				}
			}

		};
		return StreamSupport.stream(Spliterators.spliterator(finished, chunks.size(), Spliterator.NONNULL), false)
			.flatMap(List::stream);
	}

	/** Applies a two-argument function to each pair, as Python's {@code starmap}; results in input order. */
	public <A, B, R> List<R> starmap(SerializableBiFunction<A, B, R> function, List<Map.Entry<A, B>> arguments) {
		// Map.entry() pairs are not serializable; these are
		List<Map.Entry<A, B>> pairs = arguments.stream()
			.map((pair) -> (Map.Entry<A, B>) new AbstractMap.SimpleImmutableEntry<>(pair))
			.toList();
		this.template.allowPackageOf(function.getClass());
		return map(new Spread<>(function), new ArrayList<>(pairs));
	}

	@SuppressWarnings("unchecked")
	private <T, R> List<CallbackFuture<CompactList<R>>> submitChunks(SerializableFunction<T, R> function,
			List<T> items, int chunkSize) {
		if (chunkSize < 1) {
			throw new IllegalArgumentException("chunkSize must be at least 1, not " + chunkSize);
		}
		this.template.allowPackageOf(function.getClass());
		List<CallbackFuture<CompactList<R>>> chunks = new ArrayList<>();
		for (int from = 0; from < items.size(); from += chunkSize) {
			List<T> chunk = items.subList(from, Math.min(items.size(), from + chunkSize));
			// a pool's futures are its task results: callback futures
			chunks.add((CallbackFuture<CompactList<R>>) submit(new MapChunk<>(function, new CompactList<>(chunk))));
		}
		return chunks;
	}

	private int defaultChunkSize(int items) {
		return Math.max(1, (int) Math.ceil(items / (4.0 * this.options.size())));
	}

	/** See {@link ProcessTemplate#encodeTask}. */
	private CallRequest encodeTask(Callable<?> task, String description, Class<?> userClass) {
		this.template.allowPackageOf(userClass);
		String what = (description != null) ? description : "task " + ProcessTemplate.describe(userClass);
		return this.template.encodeTask(task, what);
	}

	private CompletableFuture<Object> submitEncoded(CallRequest request) {
		Task task = new Task(request, new CallbackFuture<>(this.template.callbacks()));
		task.result.whenDone((value, failure) -> {
			if (task.result.isCancelled()) {
				cancelled(task);
			}
		});
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("Pool '" + this.name + "' is closed: it takes no new tasks");
			}
			ProcessStartException storm = restartStorm();
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
		if (this.startFailures > 0) {
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
		ChildJvm jvm;
		try {
			jvm = this.template.launchWorker(workerName, this.options.processOptions(), this.name,
					this.options.launcher(), this.options.spinWait());
		}
		catch (RuntimeException ex) {
			// no process at all (no java there, no fork, a template closing): a start failure like any other, not an
			// exception thrown into whoever happened to dispatch
			launchFailed((ex instanceof ProcessStartException start) ? start
					: new ProcessStartException("Cannot launch worker '" + workerName + "' of pool '" + this.name
							+ "': " + ex.getMessage(), workerName, -1, List.of(), null, List.of(), ex));
			return false;
		}
		Worker worker = new Worker(jvm);
		this.workers.add(worker);
		CompletableFuture<Void> connected = jvm.whenReady();
		CompletableFuture<?> prepared = (this.initializer != null)
				? connected.thenCompose((ignored) -> jvm.call(this.initializer).result()) : connected;
		prepared.whenComplete((value, failure) -> {
			if (failure != null) {
				startFailed(worker, ChildJvm.unwrap(failure));
				worker.ready.complete(null);
				return;
			}
			report((listener) -> listener.workerStarted(this.name, Duration.between(jvm.startTime(), Instant.now())));
			synchronized (this.lock) {
				this.startFailures = 0;
				this.startFailureTimes.clear();
				this.lastStartFailure = null;
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
		jvm.onExit().thenRun(() -> workerExited(worker));
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
			this.lastStartFailure = reason;
			this.startFailures++;
			this.startFailureTimes.addLast(System.nanoTime());
			failed = new ArrayList<>(this.queue);
			this.queue.clear();
		}
		logger.warn("A worker of pool '{}' could not be launched; {} queued task(s) fail with the reason: {}",
				this.name, failed.size(), reason.getMessage());
		Runnable fail = () -> failed.forEach((task) -> task.result.completeExceptionally(reason));
		try {
			this.template.callbacks().execute(fail);
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
		ChildJvm jvm = worker.jvm;
		if (failure instanceof ProcessStartException start && start.signal().isPresent()) {
			// killed from outside while starting (an OOM killer, an operator): no sign that the next one cannot
			// start, so the queue waits for the replacement its exit brings
			logger.info("Worker '{}' of pool '{}' was killed while starting ({}); replacing it", jvm.name(),
					this.name, ExitCodes.describe(start.exitCode().orElse(0)));
			return;
		}
		ProcessStartException reason = (failure instanceof ProcessStartException start) ? start
				: new ProcessStartException("Worker of pool '" + this.name + "' failed its initializer: " + failure,
						jvm.name(), jvm.pid(), jvm.command(), null, jvm.outputTail(), failure);
		if (jvm.isAlive()) {
			jvm.kill();
		}
		List<Task> failed;
		synchronized (this.lock) {
			this.lastStartFailure = reason;
			this.startFailures++;
			this.startFailureTimes.addLast(System.nanoTime());
			this.workers.remove(worker);
			failed = new ArrayList<>(this.queue);
			this.queue.clear();
		}
		logger.warn("A worker of pool '{}' could not start; {} queued task(s) fail with the reason", this.name,
				failed.size());
		failed.forEach((task) -> task.result.completeExceptionally(reason));
	}

	/**
	 * While more than {@code maxStartFailures} workers failed to start within the period, starting another is
	 * pointless: the failure to give a task at once, with the last worker's facts. Holds the lock.
	 */
	private ProcessStartException restartStorm() {
		long window = this.options.startFailurePeriod().toNanos();
		long now = System.nanoTime();
		while (!this.startFailureTimes.isEmpty() && now - this.startFailureTimes.peekFirst() > window) {
			this.startFailureTimes.pollFirst();
		}
		ProcessStartException last = this.lastStartFailure;
		if (last == null || this.startFailureTimes.size() < this.options.maxStartFailures()) {
			return null;
		}
		return new ProcessStartException("Pool '" + this.name + "' starts no more workers for now: "
				+ this.startFailureTimes.size() + " failed to start within " + this.options.startFailurePeriod()
				+ "; the last one: " + last.getMessage().lines().findFirst().orElse(""), last.processName(),
				last.pid(), last.command(), last.exitCode().isPresent() ? last.exitCode().getAsInt() : null,
				last.outputTail(), last);
	}

	private void assign(Worker worker, Task task) {
		worker.current = task;
		task.worker = worker;
		task.started = System.nanoTime();
		ChildCall call = worker.jvm.call(task.request);
		task.callId = call.id();
		task.result.beforeWaiting((maxNanos) -> worker.jvm.spinForAnswer(call.id(), maxNanos));
		Duration timeout = this.options.taskTimeout();
		if (timeout != null) {
			task.timer = this.template.scheduler()
				.schedule(() -> timedOut(task, worker), timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		call.result().whenComplete((value, failure) -> finished(worker, task, value, failure));
	}

	private void finished(Worker worker, Task task, Object value, Throwable failure) {
		if (task.timer != null) {
			task.timer.cancel(false);
		}
		long now = System.nanoTime();
		Throwable thrown = (failure != null) ? ChildJvm.unwrap(failure) : null;
		Release release = Release.GONE;
		try {
			// the worker is free before its caller hears: a caller that submits again as soon as it has its answer
			// must find the worker idle, not queue behind it (its task would then be assigned after it began to wait,
			// and it would not look at the mailbox for the answer)
			release = release(worker, thrown);
		}
		finally {
			ChildJvm.settle(task.result, value, thrown);
		}
		report((listener) -> listener.taskEnded(this.name, Duration.ofNanos(task.started - task.submitted),
				Duration.ofNanos(now - task.started), outcome(task.result)));
		// what can take long (the next queued call's copy, a SHUTDOWN frame, starting a replacement) waits until the
		// caller has its answer
		if (release == Release.RETIRED) {
			worker.jvm.shutdown();
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
	private Release release(Worker worker, Throwable thrown) {
		synchronized (this.lock) {
			worker.current = null;
			worker.tasksDone++;
			// whether it died is the process's state, not the exception's type: a worker that could not resolve its
			// call (WorkerSetupException), or whose task threw an mp exception of its own, is alive and well
			if (worker.jvm.hasExited() || !this.workers.contains(worker)) {
				return Release.GONE;
			}
			if (worker.jvm.isStopping()) {
				// being killed: out of the pool now, so that a replacement can start even if the kill never lands
				leave(worker);
				return Release.RETIRED;
			}
			boolean inDoubt = leftInDoubt(thrown);
			if (inDoubt) {
				logger.info("Worker '{}' (pid {}) of pool '{}' threw {}: retiring it, since its JVM may be left in a "
						+ "bad state", worker.jvm.name(), worker.jvm.pid(), this.name, thrown.getClass().getName());
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
	private static boolean leftInDoubt(Throwable thrown) {
		return thrown instanceof VirtualMachineError && !(thrown instanceof StackOverflowError);
	}

	/** Gives queued tasks to idle workers. Holds the lock. */
	private void assignQueued() {
		while (!this.queue.isEmpty() && !this.idle.isEmpty()) {
			Worker worker = this.idle.pollFirst();
			if (worker.jvm.hasExited() || worker.jvm.isStopping()) {
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
		worker.idleSince = System.nanoTime();
		this.idle.addFirst(worker);
	}

	private void retire(Worker worker) {
		leave(worker);
		worker.jvm.shutdown();
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
			worker.jvm.markStopping();
		}
		task.result.completeExceptionally(new TaskTimeoutException("A task of pool '" + this.name + "'",
				this.options.taskTimeout(), worker.jvm.name(), worker.jvm.pid()));
		worker.jvm.kill();
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
		worker.jvm.cancel(task.callId);
		this.template.scheduler().schedule(() -> {
			synchronized (this.lock) {
				if (worker.current != task || !worker.jvm.isAlive()) {
					return;
				}
				worker.jvm.markStopping();
			}
			logger.warn("Worker '{}' of pool '{}' did not stop its cancelled task within {}; killing it",
					worker.jvm.name(), this.name, this.options.cancelGrace());
			worker.jvm.kill();
		}, this.options.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
	}

	private void workerExited(Worker worker) {
		String died = null;
		synchronized (this.lock) {
			boolean wasMember = this.workers.remove(worker);
			this.idle.remove(worker);
			if (wasMember && !this.closed) {
				this.replaced++;
				died = ExitCodes.cause(worker.jvm.exitCode().orElse(0));
				logger.info("Worker '{}' (pid {}) of pool '{}' exited ({}); replacing it as needed",
						worker.jvm.name(), worker.jvm.pid(), this.name,
						ExitCodes.describe(worker.jvm.exitCode().orElse(0)));
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

	private void retireIdle() {
		Duration timeout = this.options.idleTimeout();
		synchronized (this.lock) {
			long now = System.nanoTime();
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
	public List<ChildProcess> workers() {
		synchronized (this.lock) {
			return this.workers.stream().map((w) -> (ChildProcess) w.jvm).toList();
		}
	}

	/**
	 * Why the most recent worker failed to start, while no worker has started since; empty when the pool's workers
	 * start. A health check reads it.
	 */
	public java.util.Optional<ProcessStartException> startFailure() {
		return java.util.Optional.ofNullable(this.lastStartFailure);
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

	private void report(java.util.function.Consumer<PoolListener> event) {
		for (PoolListener listener : this.template.listeners()) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Pool listener {} failed; ignoring it: {}", listener, ex.toString());
			}
		}
	}

	/** Workers that exited on their own (crash, exit, kill) and were replaced as needed. */
	public long workersReplaced() {
		synchronized (this.lock) {
			return this.replaced;
		}
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
	 * workers; shuts idle workers down. Returns when every worker of the pool has exited.
	 */
	public void close(Duration grace) {
		List<Task> dropped;
		List<Worker> all;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			dropped = new ArrayList<>(this.queue);
			this.queue.clear();
			all = new ArrayList<>(this.workers);
			new ArrayList<>(this.idle).forEach(this::retire);
		}
		if (this.idleReaper != null) {
			this.idleReaper.cancel(false);
		}
		dropped.forEach((task) -> task.result.completeExceptionally(
				new CancellationException("Pool '" + this.name + "' closed before the task started")));
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
			if (worker.current != null || !worker.jvm.awaitExit(1_000)) {
				worker.jvm.kill();
			}
			worker.jvm.awaitExit(5_000);
		}
		this.template.forgetPool(this);
	}

	/** Closes with the template's shutdown grace period. */
	@Override
	public void close() {
		close(this.template.shutdownGracePeriod());
	}

	private static Callable<Object> wrap(SerializableRunnable runnable) {
		return new RunnableTask(runnable);
	}

	private static final class Worker {

		private final ChildJvm jvm;

		private final CompletableFuture<Void> ready = new CompletableFuture<>();

		private volatile Task current;

		private int tasksDone;

		private long idleSince;

		Worker(ChildJvm jvm) {
			this.jvm = jvm;
		}

	}

	private static final class Task {

		/** Frozen while it waits in the queue; read and written under the pool's lock. */
		private CallRequest request;

		private final CallbackFuture<Object> result;

		private volatile Worker worker;

		private volatile long callId;

		private volatile ScheduledFuture<?> timer;

		private final long submitted = System.nanoTime();

		private volatile long started;

		Task(CallRequest request, CallbackFuture<Object> result) {
			this.request = request;
			this.result = result;
		}

	}

	/** One chunk of a map: applies the function to each item, in the worker. */
	private record MapChunk<T, R>(SerializableFunction<T, R> function, CompactList<T> items)
			implements SerializableCallable<CompactList<R>> {

		@Override
		public CompactList<R> call() throws Exception {
			List<T> inputs = this.items.items();
			List<R> results = new ArrayList<>(inputs.size());
			for (T item : inputs) {
				results.add(this.function.apply(item));
			}
			return new CompactList<>(results);
		}

	}

	/** Turns a two-argument function into one over pairs, for starmap. */
	private record Spread<A, B, R>(SerializableBiFunction<A, B, R> function)
			implements SerializableFunction<Map.Entry<A, B>, R> {

		@Override
		public R apply(Map.Entry<A, B> pair) throws Exception {
			return this.function.apply(pair.getKey(), pair.getValue());
		}

	}

	/** A runnable as a task, for the initializer. */
	private record RunnableTask(SerializableRunnable runnable) implements Callable<Object>, Serializable {

		@Override
		public Object call() throws Exception {
			this.runnable.run();
			return null;
		}

	}

}

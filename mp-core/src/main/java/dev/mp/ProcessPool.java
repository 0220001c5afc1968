package dev.mp;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.call.BeanMethodInvocation;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.PoolTasks;
import dev.mp.internal.call.StreamPublisher;
import dev.mp.internal.parent.ChildJvm;
import dev.mp.internal.parent.PoolRuntime;
import dev.mp.internal.pool.PoolBatches;
import dev.mp.internal.pool.PoolClock;
import dev.mp.internal.pool.PoolScheduler;
import dev.mp.spi.BeanCall;

/**
 * Warm child JVMs that take tasks one at a time each, as Python's {@code Pool} and {@code ProcessPoolExecutor}:
 * {@link #submit}, {@link #invokeAll}, {@link #invokeAny}, {@link #map} (ordered, chunked), {@link #imap},
 * {@link #imapUnordered} and {@link #starmap}, with {@code maxTasksPerWorker}, an initializer, an idle timeout and a
 * task timeout.
 * <p>
 * A worker that dies fails only the task it was running (with its exit code, signal and last output) and is replaced;
 * queued tasks wait for the replacement, nothing is lost. A task past its timeout gets its worker killed. Cancelling a
 * task's future with interruption interrupts it in the worker, and kills the worker if it does not answer within
 * the cancel grace.
 * <p>
 * A pool whose queue is bounded ({@link PoolOptions#maxQueued()}) rejects a {@link #submit} or {@link #invoke} beyond
 * the bound, or makes its caller wait for room, as its {@link QueueFullPolicy} says. The methods that submit many
 * tasks and wait for them ({@code map}, {@code imap}, {@code imapUnordered}, {@code starmap}, {@code invokeAll},
 * {@code invokeAny}) always wait for room instead, whatever the policy: their tasks queue as workers take the earlier
 * ones, and a rejection half-way would leave the tasks already queued running for nobody. Over a list they submit
 * every chunk before they return or collect (with a timeout, only until it passes); over an iterator or stream, only
 * as their window of chunks frees.
 * <p>
 * It is an {@link ExecutorService}, as Python's {@code ProcessPoolExecutor} is an {@code Executor}, so it drops into
 * code written against the JDK's executors; its tasks must be serializable, since they run in other JVMs. A lambda
 * given to {@link #submit(SerializableCallable)} is; a plain {@code Callable} or {@code Runnable} that is not fails at
 * once with a {@link SerializationException} saying what to do, as does {@code CompletableFuture.supplyAsync(...,
 * pool)}, whose task holds its future. {@link #shutdown()} takes no new tasks and lets the queued and running ones
 * finish; {@link #shutdownNow()} cancels them; once terminated the pool leaves its template. {@link #close()} is not
 * JDK 19's {@code ExecutorService.close()} (shutdown, then wait for every task): it fails the queued tasks and gives
 * the running ones a grace.
 */
public final class ProcessPool implements ExecutorService, AutoCloseable {

	/** How many elements a stream's worker may send ahead of the subscriber's demand, unless it says otherwise. */
	public static final int DEFAULT_STREAM_WINDOW = 16;

	// the pool's own category: what an operator configures for the pool
	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final PoolRuntime runtime;

	private final String name;

	private final PoolOptions options;

	private final PoolScheduler<ChildJvm> scheduler;

	private final PoolBatches batches;

	private final @Nullable ScheduledFuture<?> idleReaper;

	ProcessPool(PoolRuntime runtime, String name, PoolOptions options) {
		this.runtime = runtime;
		this.name = name;
		this.options = options;
		SerializableRunnable init = options.initializer();
		// not observed: the same request goes to each new worker
		@Nullable CallRequest initializer = (init != null) ? PoolBatches.encode(runtime.encoder(),
				new PoolTasks.RunnableTask(init), "initializer of pool " + name, init.getClass(), name, null).frozen()
				: null;
		this.scheduler = new PoolScheduler<>(name, options, initializer,
				(workerName) -> runtime.launchWorker(workerName, options.processOptions(), name, options.launcher(),
						options.spinWait()),
				PoolClock.of(runtime.scheduler()), runtime.callbacks(), runtime.listeners());
		this.batches = new PoolBatches(name, options.size(), runtime.encoder(), this.scheduler);
		Duration idleTimeout = options.idleTimeout();
		this.idleReaper = (idleTimeout != null) ? runtime.scheduler()
			.scheduleWithFixedDelay(this.scheduler::retireIdle, idleTimeout.toMillis(),
					Math.max(100, idleTimeout.toMillis() / 4), TimeUnit.MILLISECONDS) : null;
		// as a closed pool does: its name then makes a new pool
		this.scheduler.whenTerminated(() -> {
			if (this.idleReaper != null) {
				this.idleReaper.cancel(false);
			}
			runtime.closed(this);
		});
	}

	public String name() {
		return this.name;
	}

	public PoolOptions options() {
		return this.options;
	}

	/** Starts workers until {@code minIdle} are starting or ready, in parallel; returns without waiting for them. */
	public ProcessPool warmUp() {
		this.scheduler.warmUp();
		return this;
	}

	/** Completes when {@code minIdle} workers are ready. */
	public CompletableFuture<Void> whenWarm() {
		return this.scheduler.whenWarm();
	}

	/**
	 * Runs a task in a worker. A bounded queue that is full rejects it or makes the caller wait for room, as the
	 * pool's {@link QueueFullPolicy} says. A lambda given here is serializable, as a worker needs it to be.
	 * @throws SerializationException at once if the task cannot be serialized
	 * @throws RejectedExecutionException if the pool is shut down or closed, if the queue is full and the policy
	 * rejects, or if the caller is interrupted while it waits for room (its interrupt kept)
	 */
	public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
		return submit((Callable<T>) task);
	}

	/**
	 * {@link #submit(SerializableCallable)} of a task that must be serializable at run time, as
	 * {@code ExecutorService.submit}.
	 * @throws SerializationException at once if it is not, saying what to do
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> submit(Callable<T> task) {
		return (CompletableFuture<T>) submitEncoded(encodeTask(task, task.getClass()), task);
	}

	/** {@link #submit(Callable)} of a serializable {@code Runnable}; its future completes with {@code null}. */
	@Override
	public CompletableFuture<?> submit(Runnable task) {
		return submit(task, null);
	}

	/**
	 * {@link #submit(Callable)} of a serializable {@code Runnable}, whose future completes with {@code result}: that
	 * travels with the task, so it must be serializable too, and comes back as the worker left it.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> submit(Runnable task, @Nullable T result) {
		return (CompletableFuture<T>) submitRunnable(task, result);
	}

	/**
	 * {@link #submit(Runnable)} without a future, as {@code Executor.execute}: a failure is logged, as a thread pool
	 * reports a task's uncaught exception.
	 */
	@Override
	public void execute(Runnable command) {
		CallbackFuture<Object> result = submitRunnable(command, null);
		result.whenDone((value, failure) -> {
			if (failure != null && !result.isCancelled()) {
				logger.warn("A task given to execute() in pool '{}' failed", this.name, failure);
			}
		});
	}

	/** Runs a bean method call in a worker. */
	public CompletableFuture<Object> invoke(BeanCall call) {
		return submitEncoded(this.runtime.encoder().beanCall(BeanMethodInvocation.of(call), this.name), null);
	}

	/**
	 * {@link #stream(SerializableCallable, int)} with a window of {@value #DEFAULT_STREAM_WINDOW} elements.
	 */
	public <T> Flow.Publisher<T> stream(SerializableCallable<? extends Stream<T>> task) {
		return stream(task, DEFAULT_STREAM_WINDOW);
	}

	/**
	 * A task whose stream's elements reach the subscriber as the worker produces them. Nothing runs until a
	 * subscription, and each subscription runs the task anew. The worker pulls an element only while fewer than
	 * {@code window} of them are in flight (sent, not yet taken by the subscriber), so a slow subscriber holds up the
	 * worker, not the heap. Cancelling the subscription cancels the task as cancelling its future does; what the task
	 * or its stream throws ends the stream with {@code onError}. Elements go through the codec and its allow-list, as
	 * results do. Reactor's {@code JdkFlowAdapter.flowPublisherToFlux} makes it a {@code Flux}.
	 */
	public <T> Flow.Publisher<T> stream(SerializableCallable<? extends Stream<T>> task, int window) {
		return new StreamPublisher<>(window, this.runtime.callbacks(), () -> encodeTask(task, task.getClass()),
				(request) -> submitEncoded(request, task));
	}

	/**
	 * Runs a bean method call in a worker and streams the elements of what it returns (a {@code Stream}, an
	 * {@code Iterable}, an {@code Iterator} or a {@code Flow.Publisher}), as
	 * {@link #stream(SerializableCallable, int)}.
	 */
	public Flow.Publisher<Object> stream(BeanCall call, int window) {
		return new StreamPublisher<>(window, this.runtime.callbacks(),
				() -> this.runtime.encoder().beanCall(BeanMethodInvocation.of(call), this.name),
				(request) -> submitEncoded(request, null));
	}

	/**
	 * Submits every task and waits until all are done, as {@code ExecutorService.invokeAll}; a full queue makes it
	 * wait for room. The tasks must be serializable, as for {@link #submit(Callable)}: lambdas written in a
	 * {@code List.of(...)} passed here are not, unless the list is typed {@code List<SerializableCallable<T>>}.
	 */
	@Override
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
		return this.batches.invokeAll(tasks, null);
	}

	/** {@link #invokeAll(Collection, Duration)}, as {@code ExecutorService.invokeAll(tasks, timeout, unit)}. */
	@Override
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
			throws InterruptedException {
		return invokeAll(tasks, Duration.ofNanos(unit.toNanos(timeout)));
	}

	/**
	 * Submits every task and waits until all are done or the timeout passes, as
	 * {@code ExecutorService.invokeAll(tasks, timeout, unit)}: the tasks not done then are cancelled (interrupted in
	 * their workers, which are killed past the cancel grace). A full queue makes it wait for room, within the
	 * timeout: the tasks it could not queue by then come back cancelled.
	 */
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, Duration timeout)
			throws InterruptedException {
		return this.batches.invokeAll(tasks, Objects.requireNonNull(timeout, "timeout"));
	}

	/**
	 * Submits every task and returns the result of one that succeeds, as {@code ExecutorService.invokeAny}: the
	 * others are cancelled then (interrupted in their workers, which are killed past the cancel grace). The tasks must
	 * be serializable, as for {@link #invokeAll(Collection)}; a full queue makes it wait for room.
	 * @throws ExecutionException if every task failed, with the last failure
	 */
	@Override
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
		return this.batches.invokeAny(tasks);
	}

	/**
	 * {@link #invokeAny(Collection)} within a time limit, the wait for room in a full queue included: past it the
	 * tasks are cancelled and this throws a {@link TimeoutException}.
	 */
	@Override
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
			throws InterruptedException, ExecutionException, TimeoutException {
		return this.batches.invokeAny(tasks, Duration.ofNanos(unit.toNanos(timeout)));
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
		return this.batches.map(function, items, chunkSize);
	}

	/**
	 * {@link #map(SerializableFunction, List, int)} with a time limit for all of it, as Python's
	 * {@code ProcessPoolExecutor.map(timeout=)}: past it the chunks not done are cancelled (interrupted in their
	 * workers, which are killed past the cancel grace) and this throws. The time waiting for room in a full queue
	 * counts.
	 * @throws TimeoutException when the results are not all in within {@code timeout}
	 */
	public <T, R> List<R> map(SerializableFunction<T, R> function, List<T> items, int chunkSize, Duration timeout)
			throws TimeoutException {
		return this.batches.map(function, items, chunkSize, Objects.requireNonNull(timeout, "timeout"));
	}




	/**
	 * {@link #map(SerializableFunction, List, int)} over items read lazily, as chunks go out: at most twice as many
	 * chunks as the pool has workers are in flight, so the input need not fit in memory (the results do). An
	 * exception the input throws fails the map as a failed chunk would, once the chunks before it have finished.
	 */
	public <T, R> List<R> map(SerializableFunction<T, R> function, Iterable<T> items, int chunkSize) {
		return this.batches.map(function, items.iterator(), chunkSize);
	}

	/** {@link #map(SerializableFunction, Iterable, int)} over a stream, read lazily. */
	public <T, R> List<R> map(SerializableFunction<T, R> function, Stream<T> items, int chunkSize) {
		return map(function, items::iterator, chunkSize);
	}

	/**
	 * Like {@link #imap(SerializableFunction, List, int)} over items read lazily, as Python's {@code imap} takes any
	 * iterable: at most twice as many chunks as the pool has workers are in flight. An exception the input throws
	 * comes out at its place in the results, wrapped in a {@link CompletionException}; the pool is not affected.
	 */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, Iterator<T> items, int chunkSize) {
		return this.batches.imap(function, items, chunkSize, true);
	}

	/** {@link #imap(SerializableFunction, Iterator, int)} over a stream, read lazily. */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, Stream<T> items, int chunkSize) {
		return imap(function, items.iterator(), chunkSize);
	}

	/**
	 * Like {@link #imapUnordered(SerializableFunction, List, int)} over items read lazily: at most twice as many
	 * chunks as the pool has workers are in flight.
	 */
	public <T, R> Stream<R> imapUnordered(SerializableFunction<T, R> function, Iterator<T> items, int chunkSize) {
		return this.batches.imap(function, items, chunkSize, false);
	}

	/** {@link #imapUnordered(SerializableFunction, Iterator, int)} over a stream, read lazily. */
	public <T, R> Stream<R> imapUnordered(SerializableFunction<T, R> function, Stream<T> items, int chunkSize) {
		return imapUnordered(function, items.iterator(), chunkSize);
	}

	/** Like {@link #map} but streams results in input order as their chunks finish, as Python's {@code imap}. */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		return this.batches.imap(function, items, chunkSize, null);
	}

	/**
	 * {@link #imap(SerializableFunction, List, int)} with a time limit for all of it, as the iterator of Python's
	 * {@code ProcessPoolExecutor.map(timeout=)}: a result not in by then ends the stream with a
	 * {@link CompletionException} caused by a {@link TimeoutException}, and the chunks not done are cancelled.
	 */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, List<T> items, int chunkSize, Duration timeout) {
		return this.batches.imap(function, items, chunkSize, Objects.requireNonNull(timeout, "timeout"));
	}

	/** Streams results as they finish, in no particular order, as Python's {@code imap_unordered}. */
	public <T, R> Stream<R> imapUnordered(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		return this.batches.imapUnordered(function, items, chunkSize);
	}

	/** Applies a two-argument function to each pair, as Python's {@code starmap}; results in input order. */
	public <A, B, R> List<R> starmap(SerializableBiFunction<A, B, R> function, List<Map.Entry<A, B>> arguments) {
		// Map.entry() pairs are not serializable; these are
		List<Map.Entry<A, B>> pairs = arguments.stream()
			.map((pair) -> (Map.Entry<A, B>) new AbstractMap.SimpleImmutableEntry<>(pair))
			.toList();
		this.runtime.encoder().allowPackageOf(function.getClass());
		return map(new PoolTasks.Spread<>(function), new ArrayList<>(pairs));
	}





	private int defaultChunkSize(int items) {
		return Math.max(1, (int) Math.ceil(items / (4.0 * this.options.size())));
	}

	private CallRequest encodeTask(Callable<?> task, Class<?> userClass) {
		return PoolBatches.encode(this.runtime.encoder(), task, null, userClass, this.name, userClass);
	}

	private CallbackFuture<Object> submitRunnable(Runnable task, @Nullable Object result) {
		return submitEncoded(encodeTask(new PoolTasks.RunnableCall(task, result), task.getClass()), task);
	}

	/** @param original the task as the caller gave it, which {@link #shutdownNow()} returns if it never starts */
	private CallbackFuture<Object> submitEncoded(CallRequest request, @Nullable Object original) {
		return this.scheduler.submit(request, original);
	}

	/** The pool's live workers. */
	public List<ChildProcess> workers() {
		return List.copyOf(this.scheduler.workers());
	}

	/**
	 * Why the most recent worker failed to start, while no worker has started since; empty when the pool's workers
	 * start. A health check reads it.
	 */
	public Optional<ProcessStartException> startFailure() {
		return Optional.ofNullable(this.scheduler.startFailure());
	}

	/** Workers that exited on their own (crash, exit, kill) and were replaced as needed. */
	public long workersReplaced() {
		return this.scheduler.workersReplaced();
	}

	/** Tasks waiting for a worker. */
	public int queued() {
		return this.scheduler.queued();
	}

	/** Whether {@link #close()} was called; {@link #isShutdown()} tells of a shutdown too. */
	public boolean isClosed() {
		return this.scheduler.isClosed();
	}

	/**
	 * Takes no new tasks, which are then rejected with a {@link RejectedExecutionException} as an
	 * {@code ExecutorService}'s are; the queued and running ones still run, and workers exit as they go idle with
	 * nothing queued. Returns at once: {@link #awaitTermination} waits. Once terminated, the pool leaves its template,
	 * as a closed one does, and its name makes a new pool.
	 */
	@Override
	public void shutdown() {
		this.scheduler.shutdown();
	}

	/**
	 * Shuts down, cancels the queued tasks, and cancels the running ones with interruption: their workers are killed
	 * if they do not stop within the cancel grace. Returns at once.
	 * @return the tasks that never started, the objects submitted: a {@code Runnable} as itself, a {@code Callable} in
	 * an {@link UnstartedTask}; those of {@code submit}, {@code execute}, {@code invokeAll} and {@code invokeAny}, not
	 * a map's chunks nor bean calls
	 */
	@Override
	public List<Runnable> shutdownNow() {
		return this.scheduler.shutdownNow().stream().map(UnstartedTask::of).toList();
	}

	/** Whether {@link #shutdown()}, {@link #shutdownNow()} or {@link #close()} was called. */
	@Override
	public boolean isShutdown() {
		return this.scheduler.isShutdown();
	}

	/** Whether it is shut down, with no task left, and every worker of the pool has exited. */
	@Override
	public boolean isTerminated() {
		return this.scheduler.isTerminated();
	}

	/** Waits until it {@link #isTerminated()}, at most the given time; {@code false} if it is not by then. */
	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		return this.scheduler.awaitTermination(timeout, unit);
	}

	/**
	 * Takes no new tasks; fails the queued ones; lets running tasks finish for up to {@code grace}, then kills their
	 * workers; shuts idle workers down. Returns when every worker of the pool has exited.
	 */
	public void close(Duration grace) {
		if (this.idleReaper != null) {
			this.idleReaper.cancel(false);
		}
		if (this.scheduler.close(grace)) {
			this.runtime.closed(this);
		}
	}

	/**
	 * Closes with the template's shutdown grace period. Unlike JDK 19's {@code ExecutorService.close()}, it does not
	 * wait for the queued tasks: {@link #shutdown()} then {@link #awaitTermination} does.
	 */
	@Override
	public void close() {
		close(this.runtime.shutdownGracePeriod());
	}

}

package dev.mp;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
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
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.call.BeanMethodInvocation;
import dev.mp.internal.call.CallEncoder;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.CompactList;
import dev.mp.internal.call.PoolTasks;
import dev.mp.internal.parent.ChildJvm;
import dev.mp.internal.parent.PoolRuntime;
import dev.mp.internal.pool.ChunkFeed;
import dev.mp.internal.pool.PoolClock;
import dev.mp.internal.pool.PoolScheduler;
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
 * <p>
 * A pool whose queue is bounded ({@link PoolOptions#maxQueued()}) rejects a {@link #submit} or {@link #invoke} beyond
 * the bound, or makes its caller wait for room, as its {@link QueueFullPolicy} says. The methods that submit many
 * tasks and wait for them ({@code map}, {@code imap}, {@code imapUnordered}, {@code starmap}, {@code invokeAll})
 * always wait for room instead, whatever the policy: their tasks queue as workers take the earlier ones, and a
 * rejection half-way would leave the tasks already queued running for nobody. Over a list they submit every chunk
 * before they return or collect (with a timeout, only until it passes); over an iterator or stream, only as their
 * window of chunks frees.
 */
public final class ProcessPool implements AutoCloseable {

	private final PoolRuntime runtime;

	private final String name;

	private final PoolOptions options;

	private final PoolScheduler<ChildJvm> scheduler;

	private final @Nullable ScheduledFuture<?> idleReaper;

	ProcessPool(PoolRuntime runtime, String name, PoolOptions options) {
		this.runtime = runtime;
		this.name = name;
		this.options = options;
		SerializableRunnable init = options.initializer();
		@Nullable CallRequest initializer = (init != null) ? encodeTask(new PoolTasks.RunnableTask(init),
				"initializer of pool " + name, init.getClass()).frozen() : null;
		this.scheduler = new PoolScheduler<>(name, options, initializer,
				(workerName) -> runtime.launchWorker(workerName, options.processOptions(), name, options.launcher(),
						options.spinWait()),
				PoolClock.of(runtime.scheduler()), runtime.callbacks(), runtime.listeners());
		Duration idleTimeout = options.idleTimeout();
		this.idleReaper = (idleTimeout != null) ? runtime.scheduler()
			.scheduleWithFixedDelay(this.scheduler::retireIdle, idleTimeout.toMillis(),
					Math.max(100, idleTimeout.toMillis() / 4), TimeUnit.MILLISECONDS) : null;
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
	 * pool's {@link QueueFullPolicy} says.
	 * @throws dev.mp.SerializationException at once if the task cannot be serialized
	 * @throws RejectedExecutionException if the queue is full and the policy rejects, or the caller is interrupted
	 * while it waits for room (its interrupt kept)
	 * @throws IllegalStateException if the pool is closed
	 */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
		return (CompletableFuture<T>) submitEncoded(encodeTask(task, null, task.getClass()));
	}

	/** Runs a bean method call in a worker. */
	public CompletableFuture<Object> invoke(BeanCall call) {
		return submitEncoded(this.runtime.encoder().beanCall(BeanMethodInvocation.of(call)));
	}

	/**
	 * Submits every task and waits until all are done, as {@code ExecutorService.invokeAll}; a full queue makes it
	 * wait for room.
	 */
	public <T> List<Future<T>> invokeAll(Collection<? extends SerializableCallable<T>> tasks)
			throws InterruptedException {
		List<CallbackFuture<T>> futures = submitAll(tasks.iterator(), System.nanoTime(), null);
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
	 * Submits every task and waits until all are done or the timeout passes, as
	 * {@code ExecutorService.invokeAll(tasks, timeout, unit)}: the tasks not done then are cancelled (interrupted in
	 * their workers, which are killed past the cancel grace). A full queue makes it wait for room, within the
	 * timeout: the tasks it could not queue by then come back cancelled.
	 */
	public <T> List<Future<T>> invokeAll(Collection<? extends SerializableCallable<T>> tasks, Duration timeout)
			throws InterruptedException {
		long started = System.nanoTime();
		List<CompletableFuture<T>> futures = new ArrayList<>(submitAll(tasks.iterator(), started, timeout));
		try {
			for (CompletableFuture<T> future : futures) {
				try {
					future.get(remaining(started, timeout), TimeUnit.NANOSECONDS);
				}
				catch (ExecutionException | CancellationException ex) {
					// reported by the future itself
				}
			}
		}
		catch (TimeoutException ex) {
			futures.forEach((future) -> future.cancel(true));
		}
		while (futures.size() < tasks.size()) {
			CompletableFuture<T> neverQueued = new CompletableFuture<>();
			neverQueued.cancel(false);
			futures.add(neverQueued);
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
		try {
			return collect(submitChunks(function, items, chunkSize, 0, null), items.size(), 0, null);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("waiting without a deadline timed out", ex);
		}
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
		long started = System.nanoTime();
		Objects.requireNonNull(timeout);
		return collect(submitChunks(function, items, chunkSize, started, timeout), items.size(), started, timeout);
	}

	/**
	 * The chunks' results in order; the first failure, in input order, only once no chunk runs any more.
	 * @param started when the timeout began, if there is one
	 */
	private <R> List<R> collect(List<CallbackFuture<CompactList<R>>> chunks, int items, long started,
			@Nullable Duration timeout) throws TimeoutException {
		List<R> results = new ArrayList<>(items);
		RuntimeException failure = null;
		for (CallbackFuture<CompactList<R>> chunk : chunks) {
			try {
				CompactList<R> done = (timeout != null) ? chunk.get(remaining(started, timeout), TimeUnit.NANOSECONDS)
						: chunk.join();
				results.addAll(done.items());
			}
			catch (CompletionException | CancellationException ex) {
				failure = (failure != null) ? failure : ex;
			}
			catch (ExecutionException ex) {
				failure = (failure != null) ? failure : new CompletionException(ex.getCause());
			}
			catch (TimeoutException ex) {
				chunks.forEach((c) -> c.cancel(true));
				throw mapTimedOut(items, timeout);
			}
			catch (InterruptedException ex) {
				chunks.forEach((c) -> c.cancel(true));
				throw mapInterrupted("its chunks not done were cancelled");
			}
		}
		if (failure != null) {
			throw failure;
		}
		if (results.size() < items) {
			// the time ran out before every chunk could be queued; those queued are done
			throw mapTimedOut(items, timeout);
		}
		return results;
	}

	private TimeoutException mapTimedOut(int items, @Nullable Duration timeout) {
		return new TimeoutException("map of " + items + " items in pool '" + this.name + "' did not finish within "
				+ timeout + "; its chunks not done were cancelled");
	}

	/** What a map throws when its caller is interrupted while it waits; the interrupt is kept. */
	private CancellationException mapInterrupted(String chunks) {
		Thread.currentThread().interrupt();
		return new CancellationException("Interrupted while waiting for a map in pool '" + this.name + "'; " + chunks);
	}

	/**
	 * {@link #map(SerializableFunction, List, int)} over items read lazily, as chunks go out: at most twice as many
	 * chunks as the pool has workers are in flight, so the input need not fit in memory (the results do). An
	 * exception the input throws fails the map as a failed chunk would, once the chunks before it have finished.
	 */
	public <T, R> List<R> map(SerializableFunction<T, R> function, Iterable<T> items, int chunkSize) {
		ChunkFeed<T, R> feed = feed(function, items.iterator(), chunkSize, true);
		List<R> results = new ArrayList<>();
		try {
			feed.forEachRemaining(results::add);
		}
		catch (CompletionException | CancellationException ex) {
			// as Python's: thrown only once no chunk runs any more
			feed.awaitInFlight();
			throw ex;
		}
		return results;
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
		return stream(feed(function, items, chunkSize, true));
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
		return stream(feed(function, items, chunkSize, false));
	}

	@SuppressWarnings("unchecked")
	private <T, R> ChunkFeed<T, R> feed(SerializableFunction<T, R> function, Iterator<T> items, int chunkSize,
			boolean ordered) {
		this.runtime.encoder().allowPackageOf(function.getClass());
		return new ChunkFeed<>(items, chunkSize, 2 * this.options.size(), (chunk) -> {
			try {
				// without a time limit it never gives up
				return Objects.requireNonNull(submitWaiting(new PoolTasks.MapChunk<>(function, new CompactList<>(chunk)),
						Long.MAX_VALUE))
					.thenApply(CompactList::items);
			}
			catch (InterruptedException ex) {
				throw mapInterrupted("its chunks in flight are left to finish");
			}
		}, ordered);
	}

	private static <R> Stream<R> stream(Iterator<R> results) {
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED), false);
	}

	/** Like {@link #map} but streams results in input order as their chunks finish, as Python's {@code imap}. */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		List<CallbackFuture<CompactList<R>>> chunks = submitChunks(function, items, chunkSize, 0, null);
		// joined as submitted, not through thenApply: that would cost each chunk a hop to the callback executor, and
		// a wait on the task's own future may take its answer from the worker's mailbox
		return chunks.stream().flatMap((chunk) -> chunk.join().items().stream());
	}

	/** Streams results as they finish, in no particular order, as Python's {@code imap_unordered}. */
	public <T, R> Stream<R> imapUnordered(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		List<CallbackFuture<CompactList<R>>> chunks = submitChunks(function, items, chunkSize, 0, null);
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
		this.runtime.encoder().allowPackageOf(function.getClass());
		return map(new PoolTasks.Spread<>(function), new ArrayList<>(pairs));
	}

	/**
	 * Submits a list's chunks; fewer come back if the timeout passed before all could be queued.
	 * @param started when the timeout began, if there is one
	 */
	private <T, R> List<CallbackFuture<CompactList<R>>> submitChunks(SerializableFunction<T, R> function,
			List<T> items, int chunkSize, long started, @Nullable Duration timeout) {
		if (chunkSize < 1) {
			throw new IllegalArgumentException("chunkSize must be at least 1, not " + chunkSize);
		}
		this.runtime.encoder().allowPackageOf(function.getClass());
		// each chunk made as it is submitted
		Iterator<PoolTasks.MapChunk<T, R>> chunks = IntStream
			.iterate(0, (from) -> from < items.size(), (from) -> from + chunkSize)
			.mapToObj((from) -> new PoolTasks.MapChunk<>(function,
					new CompactList<>(items.subList(from, Math.min(items.size(), from + chunkSize)))))
			.iterator();
		try {
			return submitAll(chunks, started, timeout);
		}
		catch (InterruptedException ex) {
			throw mapInterrupted("its chunks queued were cancelled");
		}
	}

	/**
	 * Submits the tasks of a batch whose caller waits for them all, one after the other, each waiting for room in a
	 * full queue whatever the pool's {@link QueueFullPolicy}; stops early, with what it submitted, once the timeout
	 * has passed.
	 * @param started when the timeout began, if there is one
	 * @throws InterruptedException if interrupted while waiting for room; what it submitted is cancelled, since its
	 * caller never sees those futures
	 */
	private <T> List<CallbackFuture<T>> submitAll(Iterator<? extends SerializableCallable<T>> tasks, long started,
			@Nullable Duration timeout) throws InterruptedException {
		List<CallbackFuture<T>> submitted = new ArrayList<>();
		try {
			while (tasks.hasNext()) {
				CallbackFuture<T> result = submitWaiting(tasks.next(), remaining(started, timeout));
				if (result == null) {
					break;
				}
				submitted.add(result);
			}
		}
		catch (InterruptedException ex) {
			submitted.forEach((future) -> future.cancel(true));
			throw ex;
		}
		return submitted;
	}

	/** Submits a task that waits up to {@code maxWaitNanos} for room in a full queue; {@code null} if none came. */
	@SuppressWarnings("unchecked")
	private <T> @Nullable CallbackFuture<T> submitWaiting(SerializableCallable<T> task, long maxWaitNanos)
			throws InterruptedException {
		// a pool's futures are its task results: callback futures
		return (CallbackFuture<T>) (CallbackFuture<?>) this.scheduler.offer(encodeTask(task, null, task.getClass()),
				maxWaitNanos);
	}

	/** Nanoseconds left of a timeout that began at {@code started}; no limit without a timeout. */
	private static long remaining(long started, @Nullable Duration timeout) {
		return (timeout != null) ? Math.max(0, timeout.toNanos() - (System.nanoTime() - started)) : Long.MAX_VALUE;
	}

	private int defaultChunkSize(int items) {
		return Math.max(1, (int) Math.ceil(items / (4.0 * this.options.size())));
	}

	/** See {@link CallEncoder#task}. */
	private CallRequest encodeTask(Callable<?> task, String description, Class<?> userClass) {
		this.runtime.encoder().allowPackageOf(userClass);
		String what = (description != null) ? description : "task " + CallEncoder.describe(userClass);
		return this.runtime.encoder().task(task, what);
	}

	private CompletableFuture<Object> submitEncoded(CallRequest request) {
		return this.scheduler.submit(request);
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

	public boolean isClosed() {
		return this.scheduler.isClosed();
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

	/** Closes with the template's shutdown grace period. */
	@Override
	public void close() {
		close(this.runtime.shutdownGracePeriod());
	}

}

package dev.mp.internal.pool;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.jspecify.annotations.Nullable;

import dev.mp.QueueFullPolicy;
import dev.mp.SerializableFunction;
import dev.mp.SerializationException;
import dev.mp.internal.call.CallEncoder;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.CompactList;
import dev.mp.internal.call.PoolTasks;

/**
 * What a pool does with many tasks at once, for {@code ProcessPool}'s {@code invokeAll}, {@code invokeAny},
 * {@code map}, {@code imap} and {@code imapUnordered}: chunks the items, queues the chunks (waiting for room in a
 * bounded queue, whatever its policy), collects the results in order with the first failure thrown only once no chunk
 * runs any more, reads iterators lazily through a {@link ChunkFeed}, and keeps an overall time limit.
 */
public final class PoolBatches {

	private final String name;

	private final int size;

	private final CallEncoder encoder;

	private final PoolScheduler<?> scheduler;

	/**
	 * @param name the pool's name, for messages
	 * @param size the pool's size: iterators are read at most two chunks per worker ahead
	 */
	public PoolBatches(String name, int size, CallEncoder encoder, PoolScheduler<?> scheduler) {
		this.name = name;
		this.size = size;
		this.encoder = encoder;
		this.scheduler = scheduler;
	}

	/**
	 * A task's wire form, with the package of the user's class let through the allow-list first.
	 * @param description what it is, for messages; {@code null} to name it after {@code userClass}
	 * @param pool the pool it goes to
	 * @param observedAs the class that names it to the template's observer, or {@code null} for a call not observed
	 * @throws SerializationException if the user's class is not serializable, before its package is let through
	 */
	public static CallRequest encode(CallEncoder encoder, Callable<?> task, @Nullable String description,
			Class<?> userClass, String pool, @Nullable Class<?> observedAs) {
		requireSerializable(userClass);
		encoder.allowPackageOf(userClass);
		String what = (description != null) ? description : "task " + CallEncoder.describe(userClass);
		return encoder.task(task, what, pool, observedAs);
	}

	/**
	 * Fails a task that cannot go to a worker at all, saying what to do instead: one given as a plain {@code Callable}
	 * or {@code Runnable}, as the {@code ExecutorService} methods take them, need not be serializable.
	 */
	private static void requireSerializable(Class<?> userClass) {
		if (CompletableFuture.AsynchronousCompletionTask.class.isAssignableFrom(userClass)) {
			throw new SerializationException("A CompletableFuture's async method (supplyAsync, runAsync, "
					+ "thenApplyAsync...) gave the pool its own task, " + userClass.getName() + ", which holds the "
					+ "future in this JVM and cannot run in a worker: call ProcessPool.submit with a "
					+ "SerializableCallable instead, which returns a CompletableFuture to chain on", null);
		}
		if (!Serializable.class.isAssignableFrom(userClass)) {
			throw new SerializationException("Task " + CallEncoder.describe(userClass) + " cannot go to a worker "
					+ "JVM: it does not implement java.io.Serializable. Give the pool a SerializableCallable (a lambda "
					+ "passed straight to submit is one; one that returns nothing is a plain Runnable: return a value, "
					+ "or cast it to (Runnable & Serializable)), type a list of tasks List<SerializableCallable<T>>, "
					+ "or make the class Serializable", null);
		}
	}

	/** See {@code ProcessPool.invokeAll}; without a timeout, waits for every task. */
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, @Nullable Duration timeout)
			throws InterruptedException {
		long started = System.nanoTime();
		List<CompletableFuture<T>> futures = new ArrayList<>(submitAll(tasks.iterator(), true, started, timeout));
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
		catch (InterruptedException ex) {
			// as an ExecutorService's invokeAll: the tasks not done are cancelled
			futures.forEach((future) -> future.cancel(true));
			throw ex;
		}
		while (futures.size() < tasks.size()) {
			CompletableFuture<T> neverQueued = new CompletableFuture<>();
			neverQueued.cancel(false);
			futures.add(neverQueued);
		}
		return List.copyOf(futures);
	}

	/** See {@code ProcessPool.invokeAny}. */
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
		try {
			return invokeAny(tasks, null);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("waiting without a deadline timed out", ex);
		}
	}

	/**
	 * See {@code ProcessPool.invokeAny}: the result of the first task to succeed; the others are cancelled once one
	 * has, or the time has run out, or the caller is interrupted.
	 * @param timeout {@code null} for none
	 */
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks, @Nullable Duration timeout)
			throws InterruptedException, ExecutionException, TimeoutException {
		if (tasks.isEmpty()) {
			throw new IllegalArgumentException("invokeAny needs at least one task");
		}
		long started = System.nanoTime();
		List<CallbackFuture<T>> submitted = submitAll(tasks.iterator(), true, started, timeout);
		try {
			CompletableFuture<T> first = new CompletableFuture<>();
			// the tasks the time ran out for before they could be queued never fail: the wait times out
			AtomicInteger failing = new AtomicInteger(tasks.size());
			for (CallbackFuture<T> future : submitted) {
				future.whenDone((value, failure) -> {
					if (failure == null) {
						first.complete(value);
					}
					else if (failing.decrementAndGet() == 0) {
						// as an ExecutorService's: every task failed; the last failure, a cancellation too, comes
						// out as an ExecutionException's cause
						first.completeExceptionally(new CompletionException(failure));
					}
				});
			}
			return (timeout != null) ? first.get(remaining(started, timeout), TimeUnit.NANOSECONDS) : first.get();
		}
		finally {
			submitted.forEach((future) -> future.cancel(true));
		}
	}

	/** See {@code ProcessPool.map}. */
	public <T, R> List<R> map(SerializableFunction<T, R> function, List<T> items, int chunkSize) {
		try {
			return collect(submitChunks(function, items, chunkSize, 0, null), items.size(), 0, null);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("waiting without a deadline timed out", ex);
		}
	}

	/** See {@code ProcessPool.map} with a timeout. */
	public <T, R> List<R> map(SerializableFunction<T, R> function, List<T> items, int chunkSize, Duration timeout)
			throws TimeoutException {
		long started = System.nanoTime();
		Objects.requireNonNull(timeout);
		return collect(submitChunks(function, items, chunkSize, started, timeout), items.size(), started, timeout);
	}

	/** See {@code ProcessPool.map} over an iterable: read lazily. */
	public <T, R> List<R> map(SerializableFunction<T, R> function, Iterator<T> items, int chunkSize) {
		ChunkFeed<T, R> feed = feed(function, items, chunkSize, true);
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

	/** See {@code ProcessPool.imap} over an iterator: read lazily; results in input order or as they finish. */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, Iterator<T> items, int chunkSize,
			boolean ordered) {
		return stream(feed(function, items, chunkSize, ordered));
	}

	/** See {@code ProcessPool.imap} over a list. */
	public <T, R> Stream<R> imap(SerializableFunction<T, R> function, List<T> items, int chunkSize,
			@Nullable Duration timeout) {
		long started = System.nanoTime();
		List<CallbackFuture<CompactList<R>>> chunks = submitChunks(function, items, chunkSize, started, timeout);
		// joined as submitted, not through thenApply: that would cost each chunk a hop to the callback executor, and
		// a wait on the task's own future may take its answer from the worker's mailbox
		if (timeout == null) {
			return chunks.stream().flatMap((chunk) -> chunk.join().items().stream());
		}
		Stream<R> results = chunks.stream().flatMap((chunk) -> {
			try {
				return chunk.get(remaining(started, timeout), TimeUnit.NANOSECONDS).items().stream();
			}
			catch (ExecutionException ex) {
				throw new CompletionException(ex.getCause());
			}
			catch (TimeoutException ex) {
				chunks.forEach((c) -> c.cancel(true));
				throw new CompletionException(mapTimedOut(items.size(), timeout));
			}
			catch (InterruptedException ex) {
				chunks.forEach((c) -> c.cancel(true));
				throw mapInterrupted("its chunks not done were cancelled");
			}
		});
		if (chunks.size() * (long) chunkSize < items.size()) {
			// the time ran out before every chunk could be queued: the results of those queued, then the timeout
			results = Stream.concat(results, Stream.<R>generate(() -> {
				throw new CompletionException(mapTimedOut(items.size(), timeout));
			}).limit(1));
		}
		return results;
	}

	/** See {@code ProcessPool.imapUnordered} over a list. */
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
					throw new CancellationException("Interrupted while waiting for results of pool " + PoolBatches.this.name);
				}
			}

		};
		return StreamSupport.stream(Spliterators.spliterator(finished, chunks.size(), Spliterator.NONNULL), false)
			.flatMap(List::stream);
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

	@SuppressWarnings("unchecked")
	private <T, R> ChunkFeed<T, R> feed(SerializableFunction<T, R> function, Iterator<T> items, int chunkSize,
			boolean ordered) {
		this.encoder.allowPackageOf(function.getClass());
		return new ChunkFeed<>(items, chunkSize, 2 * this.size, (chunk) -> {
			try {
				// without a time limit it never gives up
				return Objects.requireNonNull(submitWaiting(new PoolTasks.MapChunk<>(function, new CompactList<>(chunk)),
						null, Long.MAX_VALUE))
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

	/**
	 * Submits a list's chunks; fewer come back if the timeout passed before all could be queued.
	 * @param started when the timeout began, if there is one
	 */
	private <T, R> List<CallbackFuture<CompactList<R>>> submitChunks(SerializableFunction<T, R> function,
			List<T> items, int chunkSize, long started, @Nullable Duration timeout) {
		if (chunkSize < 1) {
			throw new IllegalArgumentException("chunkSize must be at least 1, not " + chunkSize);
		}
		this.encoder.allowPackageOf(function.getClass());
		// each chunk made as it is submitted
		Iterator<PoolTasks.MapChunk<T, R>> chunks = IntStream
			.iterate(0, (from) -> from < items.size(), (from) -> from + chunkSize)
			.mapToObj((from) -> new PoolTasks.MapChunk<>(function,
					new CompactList<>(items.subList(from, Math.min(items.size(), from + chunkSize)))))
			.iterator();
		try {
			return submitAll(chunks, false, started, timeout);
		}
		catch (InterruptedException ex) {
			throw mapInterrupted("its chunks queued were cancelled");
		}
	}

	/**
	 * Submits the tasks of a batch whose caller waits for them all, one after the other, each waiting for room in a
	 * full queue whatever the pool's {@link QueueFullPolicy}; stops early, with what it submitted, once the timeout
	 * has passed.
	 * @param callers whether the tasks are the caller's own, for a {@code shutdownNow} to return if they never start
	 * @param started when the timeout began, if there is one
	 * @throws InterruptedException if interrupted while waiting for room; what it submitted is cancelled, since its
	 * caller never sees those futures (as when a task cannot be submitted at all)
	 */
	private <T> List<CallbackFuture<T>> submitAll(Iterator<? extends Callable<T>> tasks, boolean callers,
			long started, @Nullable Duration timeout) throws InterruptedException {
		List<CallbackFuture<T>> submitted = new ArrayList<>();
		try {
			while (tasks.hasNext()) {
				Callable<T> task = tasks.next();
				CallbackFuture<T> result = submitWaiting(task, callers ? task : null, remaining(started, timeout));
				if (result == null) {
					break;
				}
				submitted.add(result);
			}
		}
		catch (InterruptedException | RuntimeException ex) {
			submitted.forEach((future) -> future.cancel(true));
			throw ex;
		}
		return submitted;
	}

	/** Submits a task that waits up to {@code maxWaitNanos} for room in a full queue; {@code null} if none came. */
	@SuppressWarnings("unchecked")
	private <T> @Nullable CallbackFuture<T> submitWaiting(Callable<T> task, @Nullable Object original,
			long maxWaitNanos) throws InterruptedException {
		// a pool's futures are its task results: callback futures
		CallRequest request = encode(this.encoder, task, null, task.getClass(), this.name, userClass(task));
		return (CallbackFuture<T>) (CallbackFuture<?>) this.scheduler.offer(request, original, maxWaitNanos);
	}

	/** The user's class behind a task, which names it to observers: a map's function rather than its chunk. */
	private static Class<?> userClass(Callable<?> task) {
		if (task instanceof PoolTasks.MapChunk<?, ?> chunk) {
			return (chunk.function() instanceof PoolTasks.Spread<?, ?, ?> spread) ? spread.function().getClass()
					: chunk.function().getClass();
		}
		return task.getClass();
	}

	/** Nanoseconds left of a timeout that began at {@code started}; no limit without a timeout. */
	private static long remaining(long started, @Nullable Duration timeout) {
		return (timeout != null) ? Math.max(0, timeout.toNanos() - (System.nanoTime() - started)) : Long.MAX_VALUE;
	}


}

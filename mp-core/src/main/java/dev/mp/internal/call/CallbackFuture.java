package dev.mp.internal.call;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;

import dev.mp.PoolOptions;
import dev.mp.Progress;
import dev.mp.TaskFuture;

/**
 * The future mp hands to callers. mp completes it on the thread that read the child's answer, so that a caller
 * blocked in {@code get()} wakes without a further hand-off; whatever a caller chains to it ({@code thenApply},
 * {@code whenComplete}, ...) runs on mp's callback executor instead, so it can never hold up a child's frames.
 * A pool task's future may also carry a short look for the answer in the worker's shared memory, which a caller
 * blocking in {@code get()} or {@code join()} takes first (see {@link PoolOptions#spinWait()}).
 *
 * @param <T> the result type
 */
public final class CallbackFuture<T> extends TaskFuture<T> {

	private final Executor callbacks;

	/** Made on first use: most calls report no progress and have no listener. */
	private volatile @Nullable ProgressListeners progress;

	private volatile LongConsumer beforeWaiting;

	public CallbackFuture(Executor callbacks) {
		this.callbacks = callbacks;
	}

	/** Takes the task's report of its progress, on the thread that read it. */
	public void progress(Progress report) {
		progressListeners().report(report);
	}

	@Override
	public CallbackFuture<T> onProgress(Consumer<? super Progress> listener) {
		progressListeners().add(listener);
		return this;
	}

	@Override
	public Optional<Progress> progress() {
		ProgressListeners listeners = this.progress;
		return (listeners != null) ? Optional.ofNullable(listeners.latest()) : Optional.empty();
	}

	private ProgressListeners progressListeners() {
		ProgressListeners listeners = this.progress;
		if (listeners == null) {
			synchronized (this) {
				listeners = this.progress;
				if (listeners == null) {
					listeners = new ProgressListeners(this.callbacks);
					this.progress = listeners;
				}
			}
		}
		return listeners;
	}

	/** What a caller about to block on this future does first, while it is not done, for at most the nanos given. */
	public void beforeWaiting(LongConsumer look) {
		this.beforeWaiting = look;
	}

	/**
	 * mp's own short bookkeeping on completion, on the completing thread as with a plain future: through
	 * {@link #whenComplete} it would cost every call a hand-off to the callback executor.
	 */
	public void whenDone(BiConsumer<? super T, ? super Throwable> action) {
		super.whenComplete(action);
	}

	private void look(long maxNanos) {
		LongConsumer look = this.beforeWaiting;
		if (look != null && maxNanos > 0 && !isDone()) {
			look.accept(maxNanos);
		}
	}

	@Override
	public T get() throws InterruptedException, ExecutionException {
		look(Long.MAX_VALUE);
		return super.get();
	}

	@Override
	public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		look(unit.toNanos(timeout));
		return super.get(timeout, unit);
	}

	@Override
	public T join() {
		look(Long.MAX_VALUE);
		return super.join();
	}

	@Override
	public <U> CompletableFuture<U> newIncompleteFuture() {
		return new CallbackFuture<>(this.callbacks);
	}

	@Override
	public Executor defaultExecutor() {
		return this.callbacks;
	}

	@Override
	public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
		return thenApplyAsync(fn);
	}

	@Override
	public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
		return thenAcceptAsync(action);
	}

	@Override
	public CompletableFuture<Void> thenRun(Runnable action) {
		return thenRunAsync(action);
	}

	@Override
	public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
			BiFunction<? super T, ? super U, ? extends V> fn) {
		return thenCombineAsync(other, fn);
	}

	@Override
	public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
			BiConsumer<? super T, ? super U> action) {
		return thenAcceptBothAsync(other, action);
	}

	@Override
	public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
		return runAfterBothAsync(other, action);
	}

	@Override
	public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
		return applyToEitherAsync(other, fn);
	}

	@Override
	public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
		return acceptEitherAsync(other, action);
	}

	@Override
	public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
		return runAfterEitherAsync(other, action);
	}

	@Override
	public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
		return thenComposeAsync(fn);
	}

	@Override
	public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
		return handleAsync(fn);
	}

	@Override
	public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
		return whenCompleteAsync(action);
	}

	@Override
	public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
		return exceptionallyAsync(fn);
	}

	@Override
	public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
		return exceptionallyComposeAsync(fn);
	}

}

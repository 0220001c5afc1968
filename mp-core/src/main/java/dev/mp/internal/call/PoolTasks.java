package dev.mp.internal.call;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializableBiFunction;
import dev.mp.SerializableCallable;
import dev.mp.SerializableFunction;
import dev.mp.SerializableRunnable;

/**
 * The bodies a pool sends to its workers on the user's behalf: a chunk of a map, a pair spread for starmap, a plain
 * runnable, an initializer.
 */
public final class PoolTasks {

	private PoolTasks() {
	}

	/** One chunk of a map: applies the function to each item, in the worker. */
	public record MapChunk<T, R>(SerializableFunction<T, R> function, CompactList<T> items)
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
	public record Spread<A, B, R>(SerializableBiFunction<A, B, R> function)
			implements SerializableFunction<Map.Entry<A, B>, R> {

		@Override
		public R apply(Map.Entry<A, B> pair) throws Exception {
			return this.function.apply(pair.getKey(), pair.getValue());
		}

	}

	/**
	 * A plain {@link Runnable} given to the pool as an {@code ExecutorService}, with the result its future is to have:
	 * that travels with it, and comes back as the worker left it.
	 */
	public record RunnableCall(Runnable runnable, @Nullable Object result) implements Callable<Object>, Serializable {

		@Override
		public @Nullable Object call() {
			this.runnable.run();
			return this.result;
		}

	}

	/** A runnable as a task, for the initializer. */
	public record RunnableTask(SerializableRunnable runnable) implements Callable<Object>, Serializable {

		@Override
		public Object call() throws Exception {
			this.runnable.run();
			return null;
		}

	}

}

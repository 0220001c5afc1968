package dev.mp.internal.pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.PoolListener;
import dev.mp.ProcessPool;

/**
 * What a pool tells its {@link PoolListener}s: workers started and died, tasks ended with their outcome. A listener
 * that throws is logged and passed over. Called outside the pool's lock: a listener may take locks of its own.
 */
final class PoolEvents {

	// the pool's own category: what an operator configures for the pool
	private static final Logger logger = LoggerFactory.getLogger(ProcessPool.class);

	private final String pool;

	private final List<PoolListener> listeners;

	PoolEvents(String pool, List<PoolListener> listeners) {
		this.pool = pool;
		this.listeners = listeners;
	}

	void workerStarted(Duration startup) {
		report((listener) -> listener.workerStarted(this.pool, startup));
	}

	void workerDied(String cause) {
		report((listener) -> listener.workerDied(this.pool, cause));
	}

	/** A task has ended: its result is complete. */
	void taskEnded(Duration waited, Duration ran, CompletableFuture<Object> result) {
		PoolListener.TaskOutcome outcome = outcome(result);
		report((listener) -> listener.taskEnded(this.pool, waited, ran, outcome));
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
			return PoolListener.TaskOutcome.of(ex.getCause());
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

}

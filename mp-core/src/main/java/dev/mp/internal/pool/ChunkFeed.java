package dev.mp.internal.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Feeds a pool's workers chunks read lazily from an iterator, with at most {@code window} chunks in flight, and hands
 * back their results either in input order or as their chunks finish: what {@code imap} and {@code map} do over an
 * input that need not fit in memory. An exception the input throws is kept at its place in the order (after the
 * chunks read before it) and ends the input; the pool is not affected.
 *
 * @param <T> the items
 * @param <R> the results
 */
public final class ChunkFeed<T, R> implements Iterator<R> {

	private final Iterator<? extends T> items;

	private final int chunkSize;

	private final int window;

	private final Function<List<T>, CompletableFuture<List<R>>> submit;

	private final boolean ordered;

	/** Ordered: the chunks in flight, in input order. Unordered: the chunks finished, as they finish. */
	private final Queue<CompletableFuture<List<R>>> chunks;

	private int inFlight;

	private boolean inputEnded;

	private Iterator<R> current = Collections.emptyIterator();

	/**
	 * @param submit sends one chunk to the pool
	 * @param ordered whether results come in input order, or as their chunks finish
	 */
	public ChunkFeed(Iterator<? extends T> items, int chunkSize, int window,
			Function<List<T>, CompletableFuture<List<R>>> submit, boolean ordered) {
		if (chunkSize < 1) {
			throw new IllegalArgumentException("chunkSize must be at least 1, not " + chunkSize);
		}
		this.items = items;
		this.chunkSize = chunkSize;
		this.window = Math.max(1, window);
		this.submit = submit;
		this.ordered = ordered;
		this.chunks = ordered ? new ArrayDeque<>() : new LinkedBlockingQueue<>();
	}

	/**
	 * @throws java.util.concurrent.CompletionException with the failure of the next chunk, or what the input threw
	 */
	@Override
	public boolean hasNext() {
		while (!this.current.hasNext()) {
			fill();
			if (this.inFlight == 0) {
				return false;
			}
			this.current = nextChunk().join().iterator();
		}
		return true;
	}

	@Override
	public R next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		return this.current.next();
	}

	/** Waits until no chunk of this feed runs any more, whatever their outcome. */
	public void awaitInFlight() {
		while (this.inFlight > 0) {
			try {
				nextChunk().join();
			}
			catch (RuntimeException ex) {
				// the caller already has the failure it reports
			}
		}
	}

	private CompletableFuture<List<R>> nextChunk() {
		this.inFlight--;
		if (this.ordered) {
			return this.chunks.remove();
		}
		try {
			return ((LinkedBlockingQueue<CompletableFuture<List<R>>>) this.chunks).take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void fill() {
		while (!this.inputEnded && this.inFlight < this.window) {
			List<T> chunk = new ArrayList<>(this.chunkSize);
			RuntimeException failure = null;
			try {
				while (chunk.size() < this.chunkSize && this.items.hasNext()) {
					chunk.add(this.items.next());
				}
				this.inputEnded = chunk.size() < this.chunkSize;
			}
			catch (RuntimeException ex) {
				failure = ex;
				this.inputEnded = true;
			}
			if (!chunk.isEmpty()) {
				add(this.submit.apply(chunk));
			}
			if (failure != null) {
				add(CompletableFuture.failedFuture(failure));
			}
		}
	}

	private void add(CompletableFuture<List<R>> chunk) {
		this.inFlight++;
		if (this.ordered) {
			this.chunks.add(chunk);
		}
		else {
			chunk.whenComplete((result, failure) -> this.chunks.add(chunk));
		}
	}

}

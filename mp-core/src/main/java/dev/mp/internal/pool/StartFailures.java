package dev.mp.internal.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

import dev.mp.ProcessStartException;

/**
 * A pool's workers that failed to start: while any did since the last one started, no worker is started ahead of
 * need; while too many did within the period (a restart storm), none is started at all. Guarded by the pool's lock,
 * but for the last failure, which a health check reads.
 */
final class StartFailures {

	private final String pool;

	private final int max;

	private final Duration period;

	/** Workers in a row that failed to start. */
	private int inARow;

	/** When recent workers failed to start, oldest first. */
	private final Deque<Long> times = new ArrayDeque<>();

	private volatile @Nullable ProcessStartException last;

	StartFailures(String pool, int max, Duration period) {
		this.pool = pool;
		this.max = max;
		this.period = period;
	}

	void failed(ProcessStartException reason, long now) {
		this.last = reason;
		this.inARow++;
		this.times.addLast(now);
	}

	/** A worker started: the failures before it are forgotten. */
	void started() {
		this.inARow = 0;
		this.times.clear();
		this.last = null;
	}

	/** Whether a worker failed to start since the last one started. */
	boolean any() {
		return this.inARow > 0;
	}

	/** Why the most recent worker failed to start, while none has started since. */
	@Nullable ProcessStartException last() {
		return this.last;
	}

	/**
	 * While at least {@code max} workers failed to start within the period, starting another is pointless: the
	 * failure to give a task at once, with the last worker's facts.
	 */
	@Nullable ProcessStartException storm(long now) {
		long window = this.period.toNanos();
		while (!this.times.isEmpty() && now - this.times.peekFirst() > window) {
			this.times.pollFirst();
		}
		ProcessStartException last = this.last;
		if (last == null || this.times.size() < this.max) {
			return null;
		}
		return new ProcessStartException("Pool '" + this.pool + "' starts no more workers for now: "
				+ this.times.size() + " failed to start within " + this.period + "; the last one: "
				+ last.getMessage().lines().findFirst().orElse(""), last.processName(), last.pid(), last.command(),
				last.exitCode().isPresent() ? last.exitCode().getAsInt() : null, last.outputTail(), last);
	}

}

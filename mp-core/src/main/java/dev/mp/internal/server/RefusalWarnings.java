package dev.mp.internal.server;

import java.util.concurrent.TimeUnit;

/** Counts refusals, so that a flood of them logs a warning a minute rather than a line each. */
final class RefusalWarnings {

	private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private boolean warned;

	private long lastWarning;

	private int since;

	/** @return how many were refused since the last warning if this refusal gets one, else -1 */
	synchronized int warning(long now) {
		if (this.warned && now - this.lastWarning < INTERVAL_NANOS) {
			this.since++;
			return -1;
		}
		int previous = this.since;
		this.warned = true;
		this.lastWarning = now;
		this.since = 0;
		return previous;
	}

}

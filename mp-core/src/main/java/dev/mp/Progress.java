package dev.mp;

import org.jspecify.annotations.Nullable;

/**
 * How far a running task says it is: what it last gave {@link CurrentProcess#progress(long, long, String)}, as its
 * caller ({@link TaskFuture#onProgress}) and {@code /actuator/processes} see it.
 *
 * @param done the units of work done
 * @param total the units of work in all, or 0 when the task does not know
 * @param message what the task is doing, or {@code null}
 */
public record Progress(long done, long total, @Nullable String message) {

	public Progress {
		if (done < 0 || total < 0) {
			throw new IllegalArgumentException("Progress cannot be negative: " + done + " of " + total);
		}
	}

	/** The share done, from 0 to 1; -1 when the total is not known. */
	public double fraction() {
		return (this.total > 0) ? Math.min(1.0, (double) this.done / this.total) : -1;
	}

}

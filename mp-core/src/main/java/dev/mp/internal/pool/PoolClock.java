package dev.mp.internal.pool;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The time and the timers a {@link PoolScheduler} runs on: the template's scheduler, or a hand-turned one in tests. */
public interface PoolClock {

	/** As {@link System#nanoTime()}. */
	long nanoTime();

	/** Runs the action once, after the delay. */
	Future<?> schedule(Runnable action, Duration delay);

	/** System time and the given scheduler's timers. */
	static PoolClock of(ScheduledExecutorService scheduler) {
		return new PoolClock() {

			@Override
			public long nanoTime() {
				return System.nanoTime();
			}

			@Override
			public Future<?> schedule(Runnable action, Duration delay) {
				return scheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
			}

		};
	}

}

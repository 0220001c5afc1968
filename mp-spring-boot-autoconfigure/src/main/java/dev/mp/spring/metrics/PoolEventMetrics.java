package dev.mp.spring.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.mp.PoolListener;

/**
 * Meters fed by pool events: {@code mp.pool.tasks} (timer of the time tasks ran, tagged {@code pool} and
 * {@code outcome}: success, failure, crash, timeout, cancelled), {@code mp.pool.queue.wait} (timer of the time tasks
 * waited for a worker, tagged {@code pool}), {@code mp.pool.worker.starts} (counter, tagged {@code pool}) and
 * {@code mp.pool.worker.deaths} (counter, tagged {@code pool} and {@code cause}: {@code exit-N} or a signal name).
 */
public class PoolEventMetrics implements PoolListener {

	private final MeterRegistry registry;

	public PoolEventMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void taskEnded(String pool, Duration queued, Duration ran, TaskOutcome outcome) {
		Timer.builder("mp.pool.tasks")
			.description("Time tasks ran in a pool's workers, by outcome")
			.tags("pool", pool, "outcome", outcome.name().toLowerCase())
			.register(this.registry)
			.record(ran);
		Timer.builder("mp.pool.queue.wait")
			.description("Time tasks waited for a worker of the pool")
			.tags("pool", pool)
			.register(this.registry)
			.record(queued);
	}

	@Override
	public void workerStarted(String pool, Duration startup) {
		Counter.builder("mp.pool.worker.starts")
			.description("Workers of the pool that became ready")
			.tags("pool", pool)
			.register(this.registry)
			.increment();
	}

	@Override
	public void workerDied(String pool, String cause) {
		Counter.builder("mp.pool.worker.deaths")
			.description("Workers of the pool that exited on their own, by cause")
			.tags("pool", pool, "cause", cause)
			.register(this.registry)
			.increment();
	}

}

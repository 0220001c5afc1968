package dev.mp.spring.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.mp.ChildProcess;
import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;
import dev.mp.spring.metrics.ProcessMetrics;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Health and meters of real pools with real worker JVMs. */
@ExtendWith(NoChildProcessesLeft.class)
class ProcessesObservabilityIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	private final ProcessesHealthIndicator health = new ProcessesHealthIndicator(this.template);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ProcessMetrics metrics = new ProcessMetrics(this.template);

	@AfterEach
	void close() {
		try {
			this.metrics.close();
			this.registry.close();
		}
		finally {
			this.template.close();
		}
	}

	@Test
	void aPoolWhoseWorkersCannotStartIsDownWithTheReason() throws Exception {
		ProcessPool broken = this.template.pool("broken", PoolOptions.builder()
			.size(1)
			.minIdle(0)
			.processOptions(ProcessOptions.builder().jvmOptions("-XX:+NoSuchOptionAnywhere").build())
			.build());
		ExecutionException failure = assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> broken.submit(() -> 42).get(60, TimeUnit.SECONDS))
			.actual();
		assertThat(failure.getCause()).isInstanceOf(ProcessStartException.class);
		String reason = failure.getCause().getMessage();

		Health health = this.health.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		Map<String, Object> pool = pool(health, "broken");
		assertThat(pool).containsEntry("status", "DOWN")
			.containsEntry("size", 1)
			.containsEntry("workers", 0)
			.containsEntry("queued", 0);
		assertThat(pool.get("error")).isEqualTo(reason.lines().findFirst().orElseThrow());
		assertThat(reason).contains("NoSuchOptionAnywhere");
		assertThat((List<?>) pool.get("output")).anySatisfy(
				(line) -> assertThat(line.toString()).contains("Unrecognized VM option 'NoSuchOptionAnywhere'"));
	}

	@Test
	void oneBrokenPoolTakesTheIndicatorDownButNotTheOthers() throws Exception {
		ProcessPool working = this.template.pool("working", PoolOptions.builder().size(1).minIdle(1).build());
		working.whenWarm().get(60, TimeUnit.SECONDS);
		ProcessPool broken = this.template.pool("broken", PoolOptions.builder()
			.size(1)
			.minIdle(0)
			.processOptions(ProcessOptions.builder().jvmOptions("-XX:+NoSuchOptionAnywhere").build())
			.build());
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> broken.submit(() -> 42).get(60, TimeUnit.SECONDS));
		Health health = this.health.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(pool(health, "working")).containsEntry("status", "UP").doesNotContainKey("error");
		assertThat(pool(health, "broken")).containsEntry("status", "DOWN").containsKey("error");
	}

	@Test
	void aPoolWithAWorkingWorkerIsUpAndMeasured() throws Exception {
		this.metrics.bindTo(this.registry);
		ProcessPool pool = this.template.pool("work", PoolOptions.builder().size(1).minIdle(1).build());
		pool.whenWarm().get(60, TimeUnit.SECONDS);
		assertThat(pool.submit(() -> 6 * 7).get(60, TimeUnit.SECONDS)).isEqualTo(42);

		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Health health = this.health.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(pool(health, "work")).containsEntry("status", "UP")
				.containsEntry("size", 1)
				.containsEntry("minIdle", 1)
				.containsEntry("workers", 1)
				.containsEntry("states", Map.of("IDLE", 1))
				.containsEntry("queued", 0)
				.containsEntry("tasksCompleted", 1L)
				.doesNotContainKey("error");
			assertThat(live("work", ProcessState.IDLE)).isEqualTo(1);
		});
		assertThat(live("work", ProcessState.BUSY)).isZero();
		assertThat(live("none", ProcessState.RUNNING)).isZero();
		this.metrics.refresh();
		assertThat(this.registry.get(ProcessMetrics.QUEUED).tag("pool", "work").gauge().value()).isZero();
		assertThat(this.registry.get(ProcessMetrics.SIZE).tag("pool", "work").gauge().value()).isEqualTo(1);
		assertThat(completed("work")).isEqualTo(1);
	}

	@Test
	void completedTasksStayCountedWhenWorkersExit() throws Exception {
		this.metrics.bindTo(this.registry);
		ProcessPool pool = this.template.pool("recycled",
				PoolOptions.builder().size(1).minIdle(0).maxTasksPerWorker(1).build());
		assertThat(pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(completed("recycled")).isEqualTo(1);
		assertThat(pool.submit(() -> 2).get(60, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(pool.submit(() -> 3).get(60, TimeUnit.SECONDS)).isEqualTo(3);
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> pool.workers().isEmpty() && this.template.activeChildren().isEmpty());
		assertThat(pool.workers().stream().mapToLong(ChildProcess::tasksCompleted).sum()).isZero();
		assertThat(completed("recycled")).isEqualTo(3);
		assertThat(live("recycled", ProcessState.IDLE)).isZero();
	}

	private double live(String pool, ProcessState state) {
		this.metrics.refresh();
		return this.registry.get(ProcessMetrics.LIVE).tag("pool", pool).tag("state", state.name()).gauge().value();
	}

	private double completed(String pool) {
		this.metrics.refresh();
		return this.registry.get(ProcessMetrics.COMPLETED).tag("pool", pool).functionCounter().count();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> pool(Health health, String name) {
		Map<String, Object> pools = (Map<String, Object>) health.getDetails().get("pools");
		assertThat(pools).containsKey(name);
		return (Map<String, Object>) pools.get(name);
	}

}

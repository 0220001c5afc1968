package dev.mp.spring.metrics;

import java.lang.ref.WeakReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mp.PoolOptions;
import dev.mp.ProcessTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Without forking: pools with {@code minIdle(0)} start no worker until a task comes. */
class ProcessMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
		this.registry.close();
	}

	@Test
	void registersLiveGaugesPerStateAndPoolMetersAsPoolsAppear() {
		this.template.pool("first", PoolOptions.builder().size(2).minIdle(0).build());
		ProcessMetrics metrics = new ProcessMetrics(this.template);
		metrics.bindTo(this.registry);
		assertThat(this.registry.find(ProcessMetrics.LIVE).tag("pool", "none").gauges()).extracting(
				(gauge) -> gauge.getId().getTag("state"))
			.containsExactlyInAnyOrder("NEW", "STARTING", "RUNNING", "IDLE", "BUSY");
		assertThat(this.registry.find(ProcessMetrics.LIVE).tag("pool", "first").gauges()).hasSize(5);
		assertThat(this.registry.get(ProcessMetrics.SIZE).tag("pool", "first").gauge().value()).isEqualTo(2);
		assertThat(this.registry.get(ProcessMetrics.QUEUED).tag("pool", "first").gauge().value()).isZero();
		assertThat(this.registry.get(ProcessMetrics.COMPLETED).tag("pool", "first").functionCounter().count())
			.isZero();

		this.template.pool("second", PoolOptions.builder().size(4).minIdle(0).build());
		assertThat(this.registry.find(ProcessMetrics.SIZE).tag("pool", "second").gauge()).isNull();
		this.registry.get(ProcessMetrics.QUEUED).tag("pool", "first").gauge().value();
		assertThat(this.registry.get(ProcessMetrics.SIZE).tag("pool", "second").gauge().value()).isEqualTo(4);
		assertThat(this.registry.find(ProcessMetrics.LIVE).tag("pool", "second").gauges()).hasSize(5);
	}

	@Test
	void closeRemovesTheMeters() {
		this.template.pool("p", PoolOptions.builder().size(1).minIdle(0).build());
		ProcessMetrics metrics = new ProcessMetrics(this.template);
		metrics.bindTo(this.registry);
		assertThat(this.registry.getMeters()).isNotEmpty();
		metrics.close();
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void theRegistryDoesNotKeepTheTemplateAlive() {
		ProcessTemplate other = new ProcessTemplate();
		other.pool("p", PoolOptions.builder().size(1).minIdle(0).build());
		new ProcessMetrics(other).bindTo(this.registry);
		Gauge size = this.registry.get(ProcessMetrics.SIZE).tag("pool", "p").gauge();
		assertThat(size.value()).isEqualTo(1);
		other.close();
		WeakReference<ProcessTemplate> reference = new WeakReference<>(other);
		other = null;
		Awaitility.await().until(() -> {
			System.gc();
			return reference.get() == null;
		});
		assertThat(size.value()).isNaN();
	}

}

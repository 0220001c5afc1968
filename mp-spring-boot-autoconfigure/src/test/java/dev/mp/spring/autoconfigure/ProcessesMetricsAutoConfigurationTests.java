package dev.mp.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mp.ChildProcess;
import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.spring.metrics.ProcessMetrics;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessesMetricsAutoConfigurationTests {

	/** The heap of the two workers of {@link #warmPool}, together. */
	private static final double TWO_HEAPS = 2 * 64.0 * 1024 * 1024;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class, ProcessesMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class));

	@Test
	void bindsTheMetersToTheRegistry() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ProcessMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(ProcessMetrics.LIVE).tag("pool", "none").tag("state", "BUSY").gauge().value())
				.isZero();
			assertThat(registry.find(ProcessMetrics.LIVE).gauges()).hasSize(5);
		});
	}

	@Test
	void poolEventsFeedTaskTimersAndWorkerCounters() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			dev.mp.ProcessPool pool = context.getBean(ProcessTemplate.class)
				.pool("timed", PoolOptions.builder()
					.size(1)
					.minIdle(0)
					.processOptions(dev.mp.ProcessOptions.builder().build())
					.build());
			assertThat(pool.submit(() -> 7).get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(7);
			org.awaitility.Awaitility.await()
				.until(() -> registry.find("mp.pool.tasks").tag("pool", "timed").tag("outcome", "success").timer() != null);
			assertThat(registry.get("mp.pool.tasks").tag("outcome", "success").timer().count()).isEqualTo(1);
			assertThat(registry.get("mp.pool.queue.wait").tag("pool", "timed").timer().count()).isEqualTo(1);
			assertThat(registry.get("mp.pool.worker.starts").tag("pool", "timed").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void configuredPoolsHaveTheirMetersOnceTheContextIsRefreshed() {
		this.runner.withPropertyValues("mp.pools.reports.size=2", "mp.pools.reports.min-idle=0").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(ProcessMetrics.SIZE).tag("pool", "reports").gauge().value()).isEqualTo(2);
			assertThat(registry.find(ProcessMetrics.LIVE).tag("pool", "reports").gauges()).hasSize(5);
		});
	}

	@Test
	void poolsCreatedLaterGetTheirMetersOnTheNextRead() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(ProcessTemplate.class)
				.pool("later", PoolOptions.builder().size(3).minIdle(0).build());
			assertThat(registry.find(ProcessMetrics.SIZE).gauge()).isNull();
			registry.get(ProcessMetrics.LIVE).tag("pool", "none").tag("state", "IDLE").gauge().value();
			assertThat(registry.get(ProcessMetrics.SIZE).tag("pool", "later").gauge().value()).isEqualTo(3);
			assertThat(registry.get(ProcessMetrics.QUEUED).tag("pool", "later").gauge().value()).isZero();
			assertThat(registry.get(ProcessMetrics.COMPLETED).tag("pool", "later").functionCounter().count()).isZero();
		});
	}

	@Test
	void workersJvmFactsAreSummedByPoolAndPerWorkerOnlyBehindTheProperty() {
		this.runner.withPropertyValues("mp.worker.jvm-facts-interval=200ms").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			warmPool(context.getBean(ProcessTemplate.class), "summed");
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
				// a pool created after the context's refresh has its meters from the next read of one on
				registry.get(ProcessMetrics.LIVE).tag("pool", "none").tag("state", "IDLE").gauge().value();
				// both workers have told their facts: each sends its first within a second of its connection
				return registry.get("mp.pool.jvm.heap.max").tag("pool", "summed").gauge().value() == TWO_HEAPS;
			});
			assertThat(registry.get("mp.pool.jvm.threads").tag("pool", "summed").gauge().value()).isPositive();
			assertThat(registry.get("mp.pool.jvm.gc.time").tag("pool", "summed").gauge().getId().getBaseUnit())
				.isEqualTo("seconds");
			assertThat(registry.find("mp.worker.jvm.threads").gauges()).isEmpty();
		});
		this.runner.withPropertyValues("mp.worker.jvm-facts-interval=200ms", "mp.metrics.per-worker=true")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ProcessPool pool = warmPool(context.getBean(ProcessTemplate.class), "each");
				Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
					// each read discovers the pools and the workers that have told their facts
					registry.get(ProcessMetrics.LIVE).tag("pool", "none").tag("state", "IDLE").gauge().value();
					registry.get("mp.pool.jvm.threads").tag("pool", "each").gauge().value();
					return registry.find("mp.worker.jvm.threads").gauges().size() == 2;
				});
				for (ChildProcess worker : pool.workers()) {
					assertThat(registry.get("mp.worker.jvm.heap.max")
						.tag("pool", "each")
						.tag("worker", worker.name())
						.gauge()
						.value()).isEqualTo(64.0 * 1024 * 1024);
				}
			});
	}

	/** A pool of two warm workers of 64 MB heap each. */
	private static ProcessPool warmPool(ProcessTemplate template, String name) throws Exception {
		ProcessPool pool = template.pool(name, PoolOptions.builder()
			.size(2)
			.minIdle(2)
			.processOptions(ProcessOptions.builder().maxHeap("64m").build())
			.build());
		pool.warmUp().whenWarm().get(60, TimeUnit.SECONDS);
		return pool;
	}

	@Test
	void backsOffWithoutARegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class, ProcessesMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessMetrics.class));
	}

	@Test
	void backsOffWithoutATemplate() {
		this.runner.withPropertyValues("mp.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class, ProcessesMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProcessTemplate.class);
				assertThat(context).doesNotHaveBean(ProcessMetrics.class);
			});
	}

	@Test
	void backsOffForTheUsersOwnBinder() {
		this.runner.withUserConfiguration(OwnBinder.class).run((context) -> {
				assertThat(context).hasSingleBean(ProcessMetrics.class);
				assertThat(context.getBean(MeterRegistry.class).get(ProcessMetrics.LIVE).tag("a", "b").gauges())
					.hasSize(5);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBinder {

		@Bean
		ProcessMetrics myProcessMetrics(ProcessTemplate template) {
			return new ProcessMetrics(template, Tags.of("a", "b"));
		}

	}

	@Test
	void metersCanBeSwitchedOffWithBootsMeterFilter() {
		this.runner.withPropertyValues("management.metrics.enable.mp=false").run((context) -> {
			assertThat(context).hasSingleBean(ProcessMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).find(ProcessMetrics.LIVE).meters()).isEmpty();
		});
	}

	@Test
	void worksWithAUserDefinedRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class, ProcessesMetricsAutoConfiguration.class,
					MetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context.getBean(MeterRegistry.class).find(ProcessMetrics.LIVE).gauges())
				.hasSize(5));
	}

}

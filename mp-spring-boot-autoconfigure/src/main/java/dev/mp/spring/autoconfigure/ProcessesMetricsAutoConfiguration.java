package dev.mp.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.mp.ProcessTemplate;
import dev.mp.spring.metrics.PoolEventMetrics;
import dev.mp.spring.metrics.ProcessMetrics;

/**
 * Binds mp's meters ({@link ProcessMetrics}: {@code mp.processes.live}, {@code mp.pool.queued}, {@code mp.pool.size},
 * {@code mp.pool.tasks.completed}, {@code mp.pool.jvm.*}, and with {@code mp.metrics.per-worker=true}
 * {@code mp.worker.jvm.*}) to the application's {@link MeterRegistry}. Turn them off with Boot's meter
 * filters, e.g. {@code management.metrics.enable.mp=false}.
 */
@AutoConfiguration(after = { MpAutoConfiguration.class, MetricsAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean({ MeterRegistry.class, ProcessTemplate.class })
@EnableConfigurationProperties(MpProperties.class)
public final class ProcessesMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessMetrics processMetrics(ProcessTemplate processTemplate, MpProperties properties) {
		return new ProcessMetrics(processTemplate, Tags.empty(), properties.getMetrics().isPerWorker());
	}

	/** Picked up by {@link MpAutoConfiguration} as a {@link dev.mp.PoolListener} of the template. */
	@Bean
	@ConditionalOnMissingBean
	PoolEventMetrics poolEventMetrics(MeterRegistry meterRegistry) {
		return new PoolEventMetrics(meterRegistry);
	}

}

package dev.mp.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.mp.ProcessTemplate;
import dev.mp.spring.metrics.PoolEventMetrics;
import dev.mp.spring.metrics.ProcessMetrics;

/**
 * Binds mp's meters ({@link ProcessMetrics}: {@code mp.processes.live}, {@code mp.pool.queued}, {@code mp.pool.size},
 * {@code mp.pool.tasks.completed}) to the application's {@link MeterRegistry}. Turn them off with Boot's meter
 * filters, e.g. {@code management.metrics.enable.mp=false}.
 */
@AutoConfiguration(after = { MpAutoConfiguration.class, MetricsAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean({ MeterRegistry.class, ProcessTemplate.class })
public final class ProcessesMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessMetrics processMetrics(ProcessTemplate processTemplate) {
		return new ProcessMetrics(processTemplate);
	}

	/** Picked up by {@link MpAutoConfiguration} as a {@link dev.mp.PoolListener} of the template. */
	@Bean
	@ConditionalOnMissingBean
	PoolEventMetrics poolEventMetrics(MeterRegistry meterRegistry) {
		return new PoolEventMetrics(meterRegistry);
	}

}

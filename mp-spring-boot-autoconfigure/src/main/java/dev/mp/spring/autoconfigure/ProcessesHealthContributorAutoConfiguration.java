package dev.mp.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.mp.ProcessTemplate;
import dev.mp.spring.health.ProcessesHealthIndicator;

/**
 * Registers the {@code processes} health contributor ({@link ProcessesHealthIndicator}) when Spring Boot's health
 * support is present. Turn it off with {@code management.health.processes.enabled=false}.
 */
@AutoConfiguration(after = MpAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ProcessTemplate.class)
@ConditionalOnEnabledHealthIndicator("processes")
public final class ProcessesHealthContributorAutoConfiguration {

	/** The bean name gives the contributor its name: {@code processes}. */
	@Bean
	@ConditionalOnMissingBean(value = ProcessesHealthIndicator.class,
			name = { "processesHealthIndicator", "processesHealthContributor" })
	ProcessesHealthIndicator processesHealthIndicator(ProcessTemplate processTemplate) {
		return new ProcessesHealthIndicator(processTemplate);
	}

}

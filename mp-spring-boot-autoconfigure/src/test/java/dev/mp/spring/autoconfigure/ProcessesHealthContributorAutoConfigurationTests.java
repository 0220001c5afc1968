package dev.mp.spring.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mp.ProcessTemplate;
import dev.mp.spring.health.ProcessesHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessesHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class,
				ProcessesHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class));

	@Test
	void registersTheProcessesContributor() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ProcessesHealthIndicator.class);
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("processes")).isSameAs(context.getBean(ProcessesHealthIndicator.class));
			Health health = context.getBean(ProcessesHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("pools", Map.of());
		});
	}

	@Test
	void backsOffWithoutATemplate() {
		this.runner.withPropertyValues("mp.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("management.health.processes.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
	}

	@Test
	void followsTheDefaultsSwitch() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
		this.runner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.processes.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProcessesHealthIndicator.class));
	}

	@Test
	void backsOffForTheUsersOwnContributorOfThatName() {
		HealthIndicator own = () -> Health.up().withDetail("own", true).build();
		this.runner.withBean("processesHealthIndicator", HealthIndicator.class, () -> own).run((context) -> {
			assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("processes")).isSameAs(own);
		});
	}

	@Test
	void backsOffForTheUsersOwnIndicatorOfThatType() {
		this.runner.withUserConfiguration(OwnIndicator.class).run((context) -> {
				assertThat(context).hasSingleBean(ProcessesHealthIndicator.class);
				assertThat(context).hasBean("myProcessesHealth");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnIndicator {

		@Bean
		ProcessesHealthIndicator myProcessesHealth(ProcessTemplate template) {
			return new ProcessesHealthIndicator(template);
		}

	}

	@Test
	void backsOffWithoutSpringBootHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
	}

}

package dev.mp.spring.autoconfigure;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValues;
import io.micrometer.context.ContextRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mp.PoolOptions;
import dev.mp.ProcessTemplate;
import dev.mp.spi.CallObserver;
import dev.mp.spring.observation.CallObservationContext;
import dev.mp.spring.observation.CallObservationConvention;
import dev.mp.spring.observation.DefaultCallObservationConvention;
import dev.mp.spring.observation.ObservationCallObserver;
import dev.mp.spring.observation.ThreadLocalsCallObserver;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(NoChildProcessesLeft.class)
class MpObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(MpAutoConfiguration.class, MpObservationAutoConfiguration.class, ObservationAutoConfiguration.class));

	@Test
	void observesCallsWithTheApplicationsObservationRegistry() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ObservationCallObserver.class));
	}

	@Test
	void theTemplatesCallsAreObservations() {
		this.runner.withUserConfiguration(TestRegistry.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			assertThat(template.pool("observed", PoolOptions.builder().size(1).minIdle(0).build())
				.submit(() -> 7)
				.get(60, TimeUnit.SECONDS)).isEqualTo(7);
			await().untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
				.hasObservationWithNameEqualTo("mp.call")
				.that()
				.hasLowCardinalityKeyValue("pool", "observed")
				.hasBeenStopped());
		});
	}

	@Test
	void aConventionBeanNamesAndTagsTheCallsObservations() {
		this.runner.withUserConfiguration(TestRegistry.class)
			.withBean(CallObservationConvention.class, TenantConvention::new)
			.run((context) -> {
				context.getBean(ObservationCallObserver.class)
					.start(new CallObserver.CallInfo("reports", "com.example.Report", false))
					.stop(null);
				TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
					.hasObservationWithNameEqualTo("mp.call")
					.that()
					.hasLowCardinalityKeyValue("tenant", "acme")
					.hasLowCardinalityKeyValue("outcome", "success");
			});
	}

	@Test
	void backsOffWithoutAnObservationRegistry() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CallObserver.class)
				.hasSingleBean(ProcessTemplate.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class, MpObservationAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CallObserver.class));
	}

	@Test
	void anObserverOfTheApplicationsOwnObservesCallsTooAndMpOffTurnsItOff() {
		this.runner.withUserConfiguration(OwnObserver.class)
			.run((context) -> assertThat(context).hasSingleBean(ObservationCallObserver.class)
				.getBeans(CallObserver.class)
				.hasSize(2));
		this.runner.withPropertyValues("mp.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CallObserver.class));
	}

	@Test
	void threadLocalsTravelOnlyWhenKeysAreNamedAndAreAlwaysSetInAWorker() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MpContextPropagationAutoConfiguration.class));
		runner.run((context) -> assertThat(context).doesNotHaveBean(ThreadLocalsCallObserver.class));
		runner.withPropertyValues("mp.worker.context.keys[0]=tenant")
			.run((context) -> assertThat(context).hasSingleBean(ThreadLocalsCallObserver.class));
		runner.withPropertyValues("mp.child=true")
			.run((context) -> assertThat(context).hasSingleBean(ThreadLocalsCallObserver.class));
		runner.withPropertyValues("mp.worker.context.keys=tenant")
			.withClassLoader(new FilteredClassLoader(ContextRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ThreadLocalsCallObserver.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class TestRegistry {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnObserver {

		final CallObserver observer = new CallObserver() {

			@Override
			public Observed start(CallInfo call) {
				throw new UnsupportedOperationException();
			}

			@Override
			public Scope open(String description, Map<String, String> entries) {
				throw new UnsupportedOperationException();
			}

		};

		@Bean
		CallObserver callObserver() {
			return this.observer;
		}

	}

	/** mp's tags and one of the application's. */
	static class TenantConvention extends DefaultCallObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(CallObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
		}

	}

}

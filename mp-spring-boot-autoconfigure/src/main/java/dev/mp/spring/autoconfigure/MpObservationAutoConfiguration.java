package dev.mp.spring.autoconfigure;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.mp.spi.CallObserver;
import dev.mp.spring.observation.CallObservationConvention;
import dev.mp.spring.observation.ObservationCallObserver;

/**
 * Makes each mp call an observation of the application's {@link ObservationRegistry} ({@code mp.call}), and, in a
 * worker, each call's run one that continues its caller's trace ({@code mp.worker.call}). Picked up by
 * {@link MpAutoConfiguration} in the application and by the {@code spring} bootstrap in a worker. Turn it off with
 * Boot's observation filters, e.g. {@code management.observations.enable.mp=false}. Other {@link CallObserver} beans
 * observe calls too; a {@link CallObservationConvention} bean names and tags the {@code mp.call} observations.
 */
@AutoConfiguration(after = ObservationAutoConfiguration.class)
@ConditionalOnClass({ ObservationRegistry.class, ObservationAutoConfiguration.class })
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "mp.enabled", matchIfMissing = true)
public final class MpObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationCallObserver mpCallObserver(ObservationRegistry observationRegistry,
			ObjectProvider<CallObservationConvention> convention) {
		return new ObservationCallObserver(observationRegistry, convention.getIfAvailable());
	}

}

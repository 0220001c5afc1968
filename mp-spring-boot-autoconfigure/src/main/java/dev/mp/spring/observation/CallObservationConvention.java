package dev.mp.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the {@code mp.call} observations. Declare a bean of this type to replace
 * {@link DefaultCallObservationConvention}, or extend that one to add to its tags.
 */
public interface CallObservationConvention extends ObservationConvention<CallObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof CallObservationContext;
	}

}

package dev.mp.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * mp's names and tags of a call's observation: {@code mp.call}, contextual name {@code mp.call <target>}, and the
 * low-cardinality tags {@code pool}, {@code bean.method}, {@code task} ({@code none} where they do not apply) and
 * {@code outcome} ({@code unknown} until the call has ended).
 */
public class DefaultCallObservationConvention implements CallObservationConvention {

	private static final String NONE = "none";

	@Override
	public String getName() {
		return ObservationCallObserver.CALL;
	}

	@Override
	public String getContextualName(CallObservationContext context) {
		return ObservationCallObserver.CALL + " " + context.getTarget();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(CallObservationContext context) {
		String pool = context.getPool();
		String outcome = context.getOutcome();
		return KeyValues.of("pool", (pool != null) ? pool : NONE, "bean.method",
				context.isBeanMethod() ? context.getTarget() : NONE, "task",
				context.isBeanMethod() ? NONE : context.getTarget(), "outcome", (outcome != null) ? outcome : "unknown");
	}

}

package dev.mp.spring.observation;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

import dev.mp.PoolListener.TaskOutcome;
import dev.mp.spi.CallObserver;

/**
 * mp's calls as Micrometer observations. In the parent, each call is an {@code mp.call} sender observation from the
 * moment it is made to its answer, a child of the caller's current one, tagged {@code pool}, {@code bean.method},
 * {@code task} ({@code none} where they do not apply) and {@code outcome}; a tracer writes its span into the call's
 * header; a {@link CallObservationConvention} changes the names and tags. In the worker, the call runs in an
 * {@code mp.worker.call} receiver observation opened from those entries, whose span is a child of the parent's
 * {@code mp.call} span, the tracer's ids in the call thread's MDC.
 */
public final class ObservationCallObserver implements CallObserver {

	/** The parent's observation of a call. */
	public static final String CALL = "mp.call";

	/** The worker's observation of a call's run. */
	public static final String WORKER_CALL = "mp.worker.call";

	private static final CallObservationConvention DEFAULT_CONVENTION = new DefaultCallObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable CallObservationConvention convention;

	public ObservationCallObserver(ObservationRegistry registry) {
		this(registry, null);
	}

	/**
	 * @param convention names and tags the {@code mp.call} observations in place of
	 * {@link DefaultCallObservationConvention}, or {@code null} for that one
	 */
	public ObservationCallObserver(ObservationRegistry registry, @Nullable CallObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public Observed start(CallInfo call) {
		CallObservationContext context = new CallObservationContext(call.pool(), call.target(), call.beanMethod());
		Observation observation = Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context,
				this.registry);
		if (observation.isNoop()) {
			// observations of mp turned off (management.observations.enable.mp=false): nothing more per call
			return Observed.NONE;
		}
		observation.start();
		return Observed.of(context.getCarrier(), (failure) -> {
			// as the pools' task meters say it, and a call a full pool refused
			String outcome = (failure instanceof RejectedExecutionException) ? "rejected"
					: TaskOutcome.of(failure).name().toLowerCase(Locale.ROOT);
			context.setOutcome(outcome);
			if (failure != null && !(failure instanceof CancellationException)) {
				observation.error(failure);
			}
			observation.stop();
		});
	}

	@Override
	public Scope open(String description, Map<String, String> entries) {
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>(Map::get, Kind.SERVER);
		context.setCarrier(entries);
		Observation observation = Observation.createNotStarted(WORKER_CALL, () -> context, this.registry)
			.contextualName(description)
			.start();
		Observation.Scope scope = observation.openScope();
		return (failure) -> {
			scope.close();
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		};
	}

}

package dev.mp.spring.observation;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

import dev.mp.ProcessDiedException;
import dev.mp.TaskTimeoutException;
import dev.mp.spi.CallObserver;

/**
 * mp's calls as Micrometer observations. In the parent, each call is an {@code mp.call} sender observation from the
 * moment it is made to its answer, a child of the caller's current one, tagged {@code pool}, {@code bean.method},
 * {@code task} ({@code none} where they do not apply) and {@code outcome}; a tracer writes its span into the call's
 * header. In the worker, the call runs in an {@code mp.worker.call} receiver observation opened from those entries,
 * whose span is a child of the parent's {@code mp.call} span, the tracer's ids in the call thread's MDC.
 */
public final class ObservationCallObserver implements CallObserver {

	/** The parent's observation of a call. */
	public static final String CALL = "mp.call";

	/** The worker's observation of a call's run. */
	public static final String WORKER_CALL = "mp.worker.call";

	private static final String NONE = "none";

	private final ObservationRegistry registry;

	public ObservationCallObserver(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Observed start(CallInfo call) {
		Observation observation = Observation.createNotStarted(CALL, ObservationCallObserver::senderContext,
				this.registry);
		if (observation.isNoop()) {
			// observations of mp turned off (management.observations.enable.mp=false): nothing more per call
			return Observed.NONE;
		}
		observation.contextualName(CALL + " " + call.target())
			.lowCardinalityKeyValue("pool", (call.pool() != null) ? call.pool() : NONE)
			.lowCardinalityKeyValue("bean.method", call.beanMethod() ? call.target() : NONE)
			.lowCardinalityKeyValue("task", call.beanMethod() ? NONE : call.target())
			.start();
		Map<String, String> entries = carrier(observation);
		return new Observed() {

			@Override
			public Map<String, String> entries() {
				return entries;
			}

			@Override
			public void stop(@Nullable Throwable failure) {
				Outcome outcome = Outcome.of(failure);
				observation.lowCardinalityKeyValue("outcome", outcome.name().toLowerCase(Locale.ROOT));
				if (failure != null && outcome != Outcome.CANCELLED) {
					observation.error(failure);
				}
				observation.stop();
			}

		};
	}

	/** A call's context, whose carrier a tracer writes its propagation fields in (not made for a no-op registry). */
	private static SenderContext<Map<String, String>> senderContext() {
		SenderContext<Map<String, String>> context = new SenderContext<>(Map::put, Kind.CLIENT);
		context.setCarrier(new HashMap<>());
		return context;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> carrier(Observation observation) {
		return ((SenderContext<Map<String, String>>) observation.getContext()).getCarrier();
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

	/** How a call ended, as the {@code outcome} tag says, in lower case as {@code mp.pool.tasks} says it. */
	enum Outcome {

		SUCCESS, FAILURE, CRASH, TIMEOUT, CANCELLED, REJECTED;

		static Outcome of(@Nullable Throwable failure) {
			if (failure == null) {
				return SUCCESS;
			}
			if (failure instanceof CancellationException) {
				return CANCELLED;
			}
			if (failure instanceof TaskTimeoutException) {
				return TIMEOUT;
			}
			if (failure instanceof ProcessDiedException) {
				return CRASH;
			}
			return (failure instanceof RejectedExecutionException) ? REJECTED : FAILURE;
		}

	}

}

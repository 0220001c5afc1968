package dev.mp.spring.observation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import dev.mp.ProcessDiedException;
import dev.mp.ProcessStartException;
import dev.mp.TaskTimeoutException;
import dev.mp.spi.CallObserver;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** What the observations of calls say: their names, tags, parents and outcomes. */
class ObservationCallObserverTests {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final ObservationCallObserver observer = new ObservationCallObserver(this.registry);

	@Test
	void aPoolTaskIsAnMpCallWithItsPoolAndTaskAChildOfTheCallersObservation() {
		Observation request = Observation.start("request", this.registry);
		try (Observation.Scope scope = request.openScope()) {
			this.observer.start(new CallObserver.CallInfo("reports", "com.example.Report", false)).stop(null);
		}
		request.stop();
		assertThat(this.registry).hasObservationWithNameEqualTo("mp.call")
			.that()
			.hasContextualNameEqualTo("mp.call com.example.Report")
			.hasLowCardinalityKeyValue("pool", "reports")
			.hasLowCardinalityKeyValue("task", "com.example.Report")
			.hasLowCardinalityKeyValue("bean.method", "none")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasParentObservationContextMatching((parent) -> "request".equals(parent.getName()))
			.hasBeenStopped();
	}

	@Test
	void aConventionOfTheApplicationsNamesAndTagsTheCall() {
		CallObservationConvention renamed = new DefaultCallObservationConvention() {

			@Override
			public String getName() {
				return "shop.worker.call";
			}

			@Override
			public KeyValues getLowCardinalityKeyValues(CallObservationContext context) {
				return KeyValues.of("where", (context.getPool() != null) ? "pool" : "fresh", "outcome",
						String.valueOf(context.getOutcome()));
			}

		};
		new ObservationCallObserver(this.registry, renamed).start(new CallObserver.CallInfo("p", "t", false))
			.stop(new IllegalStateException("no"));
		assertThat(this.registry).hasObservationWithNameEqualTo("shop.worker.call")
			.that()
			.hasLowCardinalityKeyValue("where", "pool")
			.hasLowCardinalityKeyValue("outcome", "failure")
			.doesNotHaveLowCardinalityKeyValueWithKey("pool")
			.hasBeenStopped();
	}

	@Test
	void aFreshBeanCallHasNoPool() {
		this.observer.start(new CallObserver.CallInfo(null, "reportService.render", true)).stop(null);
		assertThat(this.registry).hasObservationWithNameEqualTo("mp.call")
			.that()
			.hasLowCardinalityKeyValue("pool", "none")
			.hasLowCardinalityKeyValue("bean.method", "reportService.render")
			.hasLowCardinalityKeyValue("task", "none");
	}

	@Test
	void theOutcomeSaysHowTheCallEnded() {
		ProcessDiedException died = new ProcessDiedException("died", "w", 1, List.of("java"), 137, List.of());
		TaskTimeoutException slow = new TaskTimeoutException("task t", Duration.ofSeconds(1), "w", 1);
		ProcessStartException unstarted = new ProcessStartException("no start", "w", 1, List.of("java"), 1, List.of(),
				null);
		Map<Throwable, String> outcomes = Map.of(new IllegalStateException(), "failure", died, "crash", unstarted,
				"crash", slow, "timeout", new CancellationException(), "cancelled", new RejectedExecutionException(),
				"rejected");
		outcomes.forEach((failure, outcome) -> {
			TestObservationRegistry registry = TestObservationRegistry.create();
			new ObservationCallObserver(registry).start(new CallObserver.CallInfo("p", "t", false)).stop(failure);
			assertThat(registry).hasObservationWithNameEqualTo("mp.call")
				.that()
				.hasLowCardinalityKeyValue("outcome", outcome)
				.hasBeenStopped();
		});
	}

	@Test
	void aFailedCallRecordsItsErrorButACancelledOneDoesNot() {
		IllegalStateException failure = new IllegalStateException("no");
		this.observer.start(new CallObserver.CallInfo("p", "t", false)).stop(failure);
		assertThat(this.registry).hasObservationWithNameEqualTo("mp.call").that().hasError(failure);
		TestObservationRegistry cancelled = TestObservationRegistry.create();
		new ObservationCallObserver(cancelled).start(new CallObserver.CallInfo("p", "t", false))
			.stop(new CancellationException());
		assertThat(cancelled).hasObservationWithNameEqualTo("mp.call").that().doesNotHaveError();
	}

	@Test
	void aCallWhoseObservationIsTurnedOffCarriesNothingAndRecordsNothing() {
		this.registry.observationConfig().observationPredicate((name, context) -> !name.startsWith("mp."));
		CallObserver.Observed observed = this.observer.start(new CallObserver.CallInfo("p", "t", false));
		assertThat(observed.entries()).isEmpty();
		observed.stop(new IllegalStateException("no"));
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void theWorkersCallIsAnObservationInScopeForTheCallsLength() {
		CallObserver.Scope scope = this.observer.open("task com.example.Report (lambda)", Map.of());
		assertThat(this.registry.getCurrentObservation()).isNotNull();
		IllegalStateException failure = new IllegalStateException("no");
		scope.close(failure);
		assertThat(this.registry.getCurrentObservation()).isNull();
		assertThat(this.registry).hasObservationWithNameEqualTo("mp.worker.call")
			.that()
			.hasContextualNameEqualTo("task com.example.Report (lambda)")
			.hasError(failure)
			.hasBeenStopped();
	}

}

package dev.mp.spring.observation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.mp.spi.CallObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Several observers as one: in turn, then in reverse, and none left running when one of them throws. */
class CallObserversTests {

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final CallObserver.CallInfo call = new CallObserver.CallInfo("p", "t", false);

	@Test
	void eachStartsAndOpensInTurnAndEndsInReverse() {
		CallObserver all = CallObservers.of(List.of(new Recording("a", null), new Recording("b", null)));
		CallObserver.Observed observed = all.start(this.call);
		assertThat(observed.entries()).containsOnlyKeys("a", "b");
		observed.stop(null);
		all.open("t", Map.of()).close(null);
		assertThat(this.events).containsExactly("start a", "start b", "stop b", "stop a", "open a", "open b",
				"close b", "close a");
	}

	@Test
	void oneThatFailsToStartOrOpenLeavesNoneBeforeItRunning() {
		CallObserver all = CallObservers.of(List.of(new Recording("a", null), new Recording("b", "start open")));
		assertThatIllegalStateException().isThrownBy(() -> all.start(this.call)).withMessage("b cannot start");
		assertThatIllegalStateException().isThrownBy(() -> all.open("t", Map.of())).withMessage("b cannot open");
		assertThat(this.events).containsExactly("start a", "stop a", "open a", "close a");
	}

	@Test
	void oneThatFailsToStopOrCloseLetsTheOthersEndThenSaysSo() {
		CallObserver all = CallObservers.of(List.of(new Recording("a", null), new Recording("b", "stop close")));
		CallObserver.Observed observed = all.start(this.call);
		CallObserver.Scope scope = all.open("t", Map.of());
		assertThatIllegalStateException().isThrownBy(() -> observed.stop(null)).withMessage("b cannot stop");
		assertThatIllegalStateException().isThrownBy(() -> scope.close(null)).withMessage("b cannot close");
		assertThat(this.events).containsExactly("start a", "start b", "open a", "open b", "stop a", "close a");
	}

	/** Records what it is asked, into the test's events, and throws where {@code failing} names the step. */
	private final class Recording implements CallObserver {

		private final String name;

		private final String failing;

		Recording(String name, @Nullable String failing) {
			this.name = name;
			this.failing = (failing != null) ? failing : "";
		}

		private void step(String step) {
			if (this.failing.contains(step)) {
				throw new IllegalStateException(this.name + " cannot " + step);
			}
			CallObserversTests.this.events.add(step + " " + this.name);
		}

		@Override
		public Observed start(CallInfo call) {
			step("start");
			return Observed.of(Map.of(this.name, "1"), (failure) -> step("stop"));
		}

		@Override
		public Scope open(String description, Map<String, String> entries) {
			step("open");
			return (failure) -> step("close");
		}

	}

}

package dev.mp.internal.call;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.internal.wire.Throwables;
import dev.mp.test.HostileThrowablesFailCleanly;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a throwable's facts never throws and stays bounded, whatever the throwable does.
 */
@ExtendWith(HostileThrowablesFailCleanly.class)
class ThrowableSnapshotTests {

	@Test
	void aLongCauseChainIsCutAndCounted() {
		IllegalStateException top = new IllegalStateException("level 0");
		Throwable current = top;
		for (int i = 1; i < 1_000; i++) {
			Throwable next = new IllegalArgumentException("level " + i);
			current.initCause(next);
			current = next;
		}
		ThrowableSnapshot.Reading reading = ThrowableSnapshot.read(top);
		int kept = 0;
		ThrowableSnapshot last = reading.snapshot();
		while (last.cause() != null) {
			kept++;
			last = last.cause();
		}
		assertThat(kept).isEqualTo(ThrowableSnapshot.MAX_CAUSES);
		assertThat(last.className()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(last.message()).contains("truncated", (1_000 - ThrowableSnapshot.MAX_CAUSES) + " causes not sent");
		assertThat(reading.whole()).isFalse();
	}

	@Test
	void causesPastTheCutThatAGetCauseMakesForEverAreCountedSoFarAndNoFurther() {
		AtomicInteger calls = new AtomicInteger();
		ThrowableSnapshot.Reading reading = ThrowableSnapshot.read(new EndlessCauses(calls));
		ThrowableSnapshot last = lastOf(reading.snapshot());
		assertThat(last.className()).isEqualTo(EndlessCauses.class.getName());
		assertThat(last.message()).contains("truncated",
				"more than " + ThrowableSnapshot.MAX_COUNTED + " causes not sent");
		assertThat(reading.whole()).isFalse();
		assertThat(calls).as("getCause() calls")
			.hasValueLessThanOrEqualTo(ThrowableSnapshot.MAX_CAUSES + 3 * ThrowableSnapshot.MAX_COUNTED + 1);
	}

	@Test
	void aCycleOfCausesPastTheCutIsCountedOnce() {
		Throwable[] chain = chain(ThrowableSnapshot.MAX_CAUSES + 5);
		chain[ThrowableSnapshot.MAX_CAUSES + 4].initCause(chain[ThrowableSnapshot.MAX_CAUSES + 2]);
		assertThat(lastOf(ThrowableSnapshot.of(chain[0])).message()).contains("truncated", " 5 causes not sent");
	}

	@Test
	void causesPastTheCutThatLeadBackToAKeptOneAreCountedUpToIt() {
		Throwable[] chain = chain(ThrowableSnapshot.MAX_CAUSES + 2);
		chain[ThrowableSnapshot.MAX_CAUSES + 1].initCause(chain[10]);
		assertThat(lastOf(ThrowableSnapshot.of(chain[0])).message()).contains("truncated", " 2 causes not sent");
	}

	/** Exceptions each caused by the next, the last by none yet. */
	private static Throwable[] chain(int length) {
		Throwable[] chain = new Throwable[length];
		for (int i = 0; i < length; i++) {
			chain[i] = new IllegalArgumentException("level " + i);
			if (i > 0) {
				chain[i - 1].initCause(chain[i]);
			}
		}
		return chain;
	}

	private static ThrowableSnapshot lastOf(ThrowableSnapshot snapshot) {
		ThrowableSnapshot last = snapshot;
		while (last.cause() != null) {
			last = last.cause();
		}
		return last;
	}

	@Test
	void suppressedExceptionsBeyondTheBudgetAreLeftOut() {
		IllegalStateException top = new IllegalStateException("many suppressed");
		for (int i = 0; i < 1_000; i++) {
			top.addSuppressed(new IllegalArgumentException("suppressed " + i));
		}
		ThrowableSnapshot.Reading reading = ThrowableSnapshot.read(top);
		assertThat(reading.snapshot().suppressed()).hasSize(ThrowableSnapshot.MAX_SNAPSHOTS - 1);
		assertThat(reading.whole()).isFalse();
	}

	@Test
	void aPlainExceptionIsWhole() {
		IllegalStateException plain = new IllegalStateException("plain", new IllegalArgumentException("cause"));
		plain.addSuppressed(new UnsupportedOperationException("suppressed"));
		ThrowableSnapshot.Reading reading = ThrowableSnapshot.read(plain);
		assertThat(reading.whole()).isTrue();
		assertThat(reading.snapshot().cause().message()).isEqualTo("cause");
		assertThat(reading.snapshot().suppressed()).singleElement()
			.satisfies((s) -> assertThat(s.message()).isEqualTo("suppressed"));
	}

	@Test
	void describeNamesTheClassWhenGetMessageThrows() {
		assertThat(Throwables.describe(new MessageRecurses())).isEqualTo(MessageRecurses.class.getName()
				+ " (its getMessage() threw " + StackOverflowError.class.getName() + ")");
		assertThat(ThrowableSnapshot.of(new MessageRecurses()).message())
			.isEqualTo("(its getMessage() threw " + StackOverflowError.class.getName() + ")");
	}

	static class MessageRecurses extends RuntimeException {

		@Override
		public String getMessage() {
			return "again: " + getMessage();
		}

	}

	/** Its getCause() makes a new one of its kind on every call, each with its own stack trace. */
	static class EndlessCauses extends RuntimeException {

		private final AtomicInteger calls;

		EndlessCauses(AtomicInteger calls) {
			this.calls = calls;
		}

		@Override
		public synchronized Throwable getCause() {
			this.calls.incrementAndGet();
			return new EndlessCauses(this.calls);
		}

	}

}

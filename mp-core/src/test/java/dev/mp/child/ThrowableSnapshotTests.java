package dev.mp.child;

import org.junit.jupiter.api.Test;

import dev.mp.wire.Throwables;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a throwable's facts never throws and stays bounded, whatever the throwable does.
 */
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

}

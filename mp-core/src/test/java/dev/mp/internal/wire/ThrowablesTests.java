package dev.mp.internal.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guarded look at a throwable that the parent's stand-in and the tests' reporting both rely on: it must never
 * throw, and must say no for any throwable in the graph whose methods throw.
 */
class ThrowablesTests {

	@Test
	void anOrdinaryChainAnswers() {
		IllegalStateException plain = new IllegalStateException("outer", new RuntimeException("inner"));
		plain.addSuppressed(new IllegalArgumentException("beside"));
		assertThat(Throwables.answers(plain, 10)).isTrue();
		assertThat(Throwables.describe(plain)).isEqualTo("java.lang.IllegalStateException: outer");
	}

	@Test
	void aHostileThrowableAnywhereInTheGraphDoesNot() {
		assertThat(Throwables.answers(new MessageThrows(), 10)).isFalse();
		assertThat(Throwables.answers(new RuntimeException("outer", new ToStringThrows()), 10)).isFalse();
		RuntimeException withSuppressed = new RuntimeException("outer");
		withSuppressed.addSuppressed(new StackThrows());
		assertThat(Throwables.answers(withSuppressed, 10)).isFalse();
		assertThat(Throwables.answers(new MessageRecurses(), 10)).isFalse();
		assertThat(Throwables.describe(new MessageThrows())).isEqualTo(MessageThrows.class.getName()
				+ " (its getMessage() threw " + IllegalStateException.class.getName() + ")");
	}

	@Test
	void aCycleIsWalkedOnceAndAGraphPastTheLimitDoesNotCount() {
		RuntimeException first = new RuntimeException("first");
		RuntimeException second = new RuntimeException("second", first);
		first.initCause(second);
		assertThat(Throwables.answers(first, 2)).isTrue();
		assertThat(Throwables.answers(first, 1)).isFalse();
	}

	static final class MessageThrows extends RuntimeException {

		@Override
		public String getMessage() {
			throw new IllegalStateException("no message");
		}

	}

	static final class ToStringThrows extends RuntimeException {

		@Override
		public String toString() {
			throw new IllegalStateException("no text");
		}

	}

	static final class StackThrows extends RuntimeException {

		@Override
		public StackTraceElement[] getStackTrace() {
			throw new IllegalStateException("no stack");
		}

	}

	static final class MessageRecurses extends RuntimeException {

		@Override
		public String getMessage() {
			return getMessage();
		}

	}

}

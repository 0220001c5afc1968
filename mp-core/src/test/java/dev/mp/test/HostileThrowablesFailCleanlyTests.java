package dev.mp.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What the extension lets reporting see.
 */
class HostileThrowablesFailCleanlyTests {

	private final HostileThrowablesFailCleanly extension = new HostileThrowablesFailCleanly();

	@Test
	void aThrowableWithAHostileCauseBecomesAnAssertionErrorThatNamesItWithItsStack() {
		IllegalStateException failure = new IllegalStateException("top", new MessageThrows());
		Throwable reported = catchThrowable(() -> this.extension.handleTestExecutionException(null, failure));
		assertThat(reported.getClass()).isEqualTo(AssertionError.class);
		assertThat(reported).hasNoCause().hasMessageEndingWith(": java.lang.IllegalStateException: top");
		assertThat(reported.getStackTrace()).isEqualTo(failure.getStackTrace());
	}

	@Test
	void aThrowableThatAnswersIsRethrownAsItIs() {
		IllegalStateException failure = new IllegalStateException("plain", new IllegalArgumentException("cause"));
		failure.addSuppressed(new UnsupportedOperationException("suppressed"));
		assertThat(catchThrowable(() -> this.extension.handleAfterEachMethodExecutionException(null, failure)))
			.isSameAs(failure);
	}

	/** Its getMessage() throws another of its kind. */
	static class MessageThrows extends RuntimeException {

		@Override
		public String getMessage() {
			throw new MessageThrows();
		}

	}

}

package dev.mp.test;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import dev.mp.internal.wire.Throwables;

/**
 * Fails a test cleanly when what it throws has methods that throw: reporting calls them, and surefire then drops the
 * test from its report ("Tests run: 0") and passes the build. Such a throwable, from the test or one of its
 * lifecycle methods, is replaced by an {@link AssertionError} that names it and has its stack if that can be read;
 * any other is rethrown as it is. Register it on every class that handles hostile exceptions, so that a regression
 * that lets one reach the caller fails there.
 */
public final class HostileThrowablesFailCleanly
		implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

	/** How many throwables of a chain are checked: more, and the chain is described rather than reported. */
	private static final int MAX_CHECKED = 1_000;

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		throw failCleanly(throwable);
	}

	@Override
	public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw failCleanly(throwable);
	}

	@Override
	public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw failCleanly(throwable);
	}

	@Override
	public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw failCleanly(throwable);
	}

	@Override
	public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		throw failCleanly(throwable);
	}

	private static Throwable failCleanly(Throwable throwable) {
		if (Throwables.answers(throwable, MAX_CHECKED)) {
			return throwable;
		}
		AssertionError error = new AssertionError(
				"failed with an exception whose methods, or its causes', throw: " + Throwables.describe(throwable));
		try {
			error.setStackTrace(throwable.getStackTrace());
		}
		catch (Throwable ex) {
			// the error's own stack, from here, then
		}
		return error;
	}

}

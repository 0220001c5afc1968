package dev.mp.child;

import java.io.Serializable;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts of a throwable as plain data (class name, message, stack, causes, suppressed), so that an exception whose
 * own class cannot travel still reaches the caller in full.
 *
 * @param className the binary name of the original class
 * @param message its message
 * @param stackTrace where it was thrown, in the child
 * @param cause the cause's snapshot, or {@code null}
 * @param suppressed snapshots of suppressed exceptions
 */
public record ThrowableSnapshot(String className, String message, StackTraceElement[] stackTrace,
		ThrowableSnapshot cause, List<ThrowableSnapshot> suppressed) implements Serializable {

	public static ThrowableSnapshot of(Throwable throwable) {
		return of(throwable, new IdentityHashMap<>());
	}

	private static ThrowableSnapshot of(Throwable throwable, Map<Throwable, Boolean> seen) {
		seen.put(throwable, Boolean.TRUE);
		Throwable cause = throwable.getCause();
		ThrowableSnapshot causeSnapshot = (cause != null && !seen.containsKey(cause)) ? of(cause, seen) : null;
		List<ThrowableSnapshot> suppressed = Arrays.stream(throwable.getSuppressed())
			.filter((s) -> !seen.containsKey(s))
			.map((s) -> of(s, seen))
			.toList();
		return new ThrowableSnapshot(throwable.getClass().getName(), throwable.getMessage(),
				throwable.getStackTrace(), causeSnapshot, suppressed);
	}

}

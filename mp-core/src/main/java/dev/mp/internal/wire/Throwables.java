package dev.mp.internal.wire;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Looks at a throwable without calling what it may override and throw from unguarded: a task's exception, or one
 * decoded from another process, is not trusted to answer.
 */
public final class Throwables {

	private Throwables() {
	}

	/**
	 * Whether a throwable, its causes and its suppressed exceptions all answer what callers and loggers ask of them
	 * ({@code toString}, {@code getMessage}, {@code getStackTrace}, {@code getCause}) without throwing; never throws.
	 * @param maxChecked how many throwables of its graph to look at: past that, it does not count as answering
	 */
	public static boolean answers(Throwable throwable, int maxChecked) {
		Map<Throwable, Boolean> seen = new IdentityHashMap<>();
		Deque<Throwable> toCheck = new ArrayDeque<>();
		toCheck.push(throwable);
		try {
			while (!toCheck.isEmpty()) {
				Throwable each = toCheck.pop();
				if (seen.put(each, Boolean.TRUE) != null) {
					continue;
				}
				if (seen.size() > maxChecked) {
					return false;
				}
				each.toString();
				each.getMessage();
				StackTraceElement[] stack = each.getStackTrace();
				if (stack == null || !Arrays.stream(stack).allMatch(Objects::nonNull)) {
					return false;
				}
				Throwable cause = each.getCause();
				if (cause != null) {
					toCheck.push(cause);
				}
				Arrays.stream(each.getSuppressed()).forEach(toCheck::push);
			}
			return true;
		}
		catch (Throwable ex) {
			// whatever it threw (a StackOverflowError too) is the throwable's own, and goes no further than here
			return false;
		}
	}

	/** {@code class: message}, or the class and what its {@code getMessage()} threw; never throws. */
	public static String describe(Throwable throwable) {
		String className = throwable.getClass().getName();
		try {
			String message = throwable.getMessage();
			return (message != null) ? className + ": " + message : className;
		}
		catch (Throwable ex) {
			return className + " (its getMessage() threw " + ex.getClass().getName() + ")";
		}
	}

}

package dev.mp.internal.call;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.mp.RemoteExceptionStandIn;
import dev.mp.internal.wire.Throwables;

/**
 * The facts of a throwable as plain data (class name, message, stack, causes, suppressed), so that an exception whose
 * own class cannot travel, or whose own methods cannot be trusted, still reaches the caller. Reading them calls each
 * of the throwable's methods once behind a guard: what throws is replaced by a note that says so, and a chain longer
 * than {@value #MAX_CAUSES} causes is cut with a note that counts the rest, walking them without keeping any.
 *
 * @param className the binary name of the original class
 * @param message its message
 * @param stackTrace where it was thrown, in the child
 * @param cause the cause's snapshot, or {@code null}
 * @param suppressed snapshots of suppressed exceptions
 */
public record ThrowableSnapshot(String className, @Nullable String message, StackTraceElement[] stackTrace,
		@Nullable ThrowableSnapshot cause, List<ThrowableSnapshot> suppressed) implements Serializable {

	/** The causes kept in one chain; the rest are counted in a note. */
	public static final int MAX_CAUSES = 64;

	/** The snapshots kept in all, suppressed exceptions and their causes included. */
	public static final int MAX_SNAPSHOTS = 256;

	/**
	 * How many causes past the cut are counted, none of them kept: a {@code getCause()} may make a new one on each
	 * call, for ever.
	 */
	public static final int MAX_COUNTED = 10_000;

	private static final StackTraceElement[] NO_STACK = new StackTraceElement[0];

	public static ThrowableSnapshot of(Throwable throwable) {
		return read(throwable).snapshot();
	}

	/** Reads a throwable's facts; never throws, short of running out of memory. */
	public static Reading read(Throwable throwable) {
		Reader reader = new Reader();
		ThrowableSnapshot snapshot = reader.chain(throwable);
		return new Reading(snapshot, reader.whole);
	}

	/**
	 * A snapshot and whether it is whole: none of the throwable's methods threw and nothing was cut, so the
	 * throwable itself may be worth sending too.
	 */
	public record Reading(ThrowableSnapshot snapshot, boolean whole) {
	}

	/**
	 * The exception read back from a child if it and its causes and suppressed exceptions answer every method that a
	 * future ({@code ExecutionException} calls {@code toString()}), a log or a stack print calls; a stand-in made
	 * from this snapshot otherwise, so that no caller or mp thread meets an exception that throws from its own
	 * methods.
	 * @param decoded the exception as decoded, or {@code null} if it could not be
	 */
	public Throwable keepIfItAnswers(@Nullable Throwable decoded) {
		return (decoded != null && Throwables.answers(decoded, MAX_SNAPSHOTS)) ? decoded : standIn();
	}

	/** A stand-in that carries these facts, causes and suppressed exceptions included. */
	public RemoteExceptionStandIn standIn() {
		RemoteExceptionStandIn standIn = new RemoteExceptionStandIn(this.className, this.message, this.stackTrace,
				(this.cause != null) ? this.cause.standIn() : null);
		this.suppressed.forEach((s) -> standIn.addSuppressed(s.standIn()));
		return standIn;
	}

	private static final class Reader {

		private final Map<Throwable, Boolean> seen = new IdentityHashMap<>();

		private int left = MAX_SNAPSHOTS;

		private boolean whole = true;

		/** The snapshot of a throwable and its causes, read in a loop: a chain may be 50,000 deep. */
		ThrowableSnapshot chain(Throwable first) {
			List<Throwable> chain = new ArrayList<>();
			Throwable next = first;
			while (next != null && !this.seen.containsKey(next) && chain.size() < MAX_CAUSES && this.left > 0) {
				this.seen.put(next, Boolean.TRUE);
				this.left--;
				chain.add(next);
				next = cause(next);
			}
			ThrowableSnapshot snapshot = (next != null && !this.seen.containsKey(next)) ? cut(next) : null;
			for (int i = chain.size() - 1; i >= 0; i--) {
				Throwable throwable = chain.get(i);
				snapshot = new ThrowableSnapshot(throwable.getClass().getName(), message(throwable),
						stackTrace(throwable), snapshot, suppressed(throwable));
			}
			return snapshot;
		}

		/** Stands for the first cause not kept and says how many were left out. */
		private ThrowableSnapshot cut(Throwable first) {
			this.whole = false;
			int omitted = omitted(first);
			String count = (omitted <= MAX_COUNTED) ? String.valueOf(omitted) : "more than " + MAX_COUNTED;
			return new ThrowableSnapshot(first.getClass().getName(),
					"(cause chain truncated here: " + count + " causes not sent, from this one on; mp keeps "
							+ MAX_CAUSES + " per chain and " + MAX_SNAPSHOTS + " in all)",
					NO_STACK, null, List.of());
		}

		/**
		 * Counts the causes from the first not kept, holding two of them at a time, whatever {@code getCause()} makes:
		 * a cycle among them is found by Brent's method, which finds one of {@code n} causes within {@code 3n} steps,
		 * so a walk of {@code 3 * MAX_COUNTED} steps that finds none has passed more than {@code MAX_COUNTED} causes.
		 * @return the count, or more than {@code MAX_COUNTED}
		 */
		private int omitted(Throwable first) {
			Throwable tortoise = first;
			Throwable hare = cause(first);
			int steps = 1;
			int power = 1;
			int lap = 1;
			while (hare != tortoise && hare != null && !this.seen.containsKey(hare) && steps <= 3 * MAX_COUNTED) {
				if (lap == power) {
					tortoise = hare;
					power *= 2;
					lap = 0;
				}
				hare = cause(hare);
				lap++;
				steps++;
			}
			if (hare != tortoise) {
				// the end, a cause already kept, or the limit
				return steps;
			}
			// a cycle of lap causes, after the ones before it
			Throwable before = first;
			Throwable ahead = first;
			for (int i = 0; i < lap; i++) {
				ahead = cause(ahead);
			}
			int leading = 0;
			while (before != ahead && leading <= MAX_COUNTED) {
				before = cause(before);
				ahead = cause(ahead);
				leading++;
			}
			return leading + lap;
		}

		private Throwable cause(Throwable throwable) {
			// getCause() and getSuppressed() are synchronized on the throwable: a thread of the task's that holds its
			// monitor keeps the reading (and the answer) waiting
			try {
				return throwable.getCause();
			}
			catch (Throwable ex) {
				this.whole = false;
				return null;
			}
		}

		private String message(Throwable throwable) {
			try {
				// the parent's future and log calls toString(), so it must answer too for the original to be worth
				// sending
				throwable.toString();
			}
			catch (Throwable ex) {
				this.whole = false;
			}
			try {
				return throwable.getMessage();
			}
			catch (Throwable ex) {
				this.whole = false;
				return "(its getMessage() threw " + ex.getClass().getName() + ")";
			}
		}

		private StackTraceElement[] stackTrace(Throwable throwable) {
			try {
				StackTraceElement[] stack = throwable.getStackTrace();
				if (stack != null && Arrays.stream(stack).allMatch(Objects::nonNull)) {
					return stack;
				}
			}
			catch (Throwable ex) {
				// as if it had none
			}
			this.whole = false;
			return NO_STACK;
		}

		private List<ThrowableSnapshot> suppressed(Throwable throwable) {
			List<ThrowableSnapshot> snapshots = new ArrayList<>();
			// final, so not the throwable's own code; nor can it hold a null, which addSuppressed and readObject refuse
			for (Throwable each : throwable.getSuppressed()) {
				if (this.left == 0) {
					this.whole = false;
					break;
				}
				if (!this.seen.containsKey(each)) {
					snapshots.add(chain(each));
				}
			}
			return List.copyOf(snapshots);
		}

	}

}

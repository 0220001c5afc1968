package dev.mp.spring.observation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.mp.spi.CallObserver;

/**
 * The application's call observers as the one a template or a worker has: each starts and opens in turn, their
 * entries in one map (each reads its own keys), and each stops and closes in the reverse order, every one of them even
 * when one throws. When one fails to start or open, those before it are ended at once, so that none is left running.
 */
public final class CallObservers implements CallObserver {

	private final List<CallObserver> observers;

	private CallObservers(List<CallObserver> observers) {
		this.observers = observers;
	}

	/** None, the one, or all of them in turn. */
	public static @Nullable CallObserver of(List<CallObserver> observers) {
		return switch (observers.size()) {
			case 0 -> null;
			case 1 -> observers.get(0);
			default -> new CallObservers(List.copyOf(observers));
		};
	}

	@Override
	public Observed start(CallInfo call) {
		List<Observed> started = new ArrayList<>(this.observers.size());
		Map<String, String> entries = new HashMap<>();
		try {
			for (CallObserver observer : this.observers) {
				Observed observed = observer.start(call);
				started.add(observed);
				entries.putAll(observed.entries());
			}
		}
		catch (RuntimeException ex) {
			// none is left started: the call goes unobserved (mp logs why)
			inReverse(started, (observed) -> observed.stop(ex), ex);
			throw ex;
		}
		return Observed.of(entries, (failure) -> inReverse(started, (observed) -> observed.stop(failure), null));
	}

	@Override
	public Scope open(String description, Map<String, String> entries) {
		List<Scope> opened = new ArrayList<>(this.observers.size());
		try {
			for (CallObserver observer : this.observers) {
				opened.add(observer.open(description, entries));
			}
		}
		catch (RuntimeException ex) {
			// none is left open on the worker's thread, where it would be the next call's
			inReverse(opened, (scope) -> scope.close(ex), ex);
			throw ex;
		}
		return (failure) -> inReverse(opened, (scope) -> scope.close(failure), null);
	}

	/**
	 * Ends each, last first, every one of them even when one throws.
	 * @param failure what already failed, which keeps what they throw as suppressed, or {@code null} to throw the
	 * first of those after all have ended
	 */
	private static <T> void inReverse(List<T> all, Consumer<T> end, @Nullable RuntimeException failure) {
		RuntimeException first = failure;
		for (int i = all.size() - 1; i >= 0; i--) {
			try {
				end.accept(all.get(i));
			}
			catch (RuntimeException ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		if (first != null && failure == null) {
			throw first;
		}
	}

}

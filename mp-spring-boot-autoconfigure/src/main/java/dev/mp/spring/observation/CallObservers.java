package dev.mp.spring.observation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.mp.spi.CallObserver;

/**
 * The application's call observers as the one a template or a worker has: each starts and opens in turn, their
 * entries in one map (each reads its own keys), and each stops and closes in the reverse order.
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
		for (CallObserver observer : this.observers) {
			Observed observed = observer.start(call);
			started.add(observed);
			entries.putAll(observed.entries());
		}
		return new Observed() {

			@Override
			public Map<String, String> entries() {
				return entries;
			}

			@Override
			public void stop(@Nullable Throwable failure) {
				for (int i = started.size() - 1; i >= 0; i--) {
					started.get(i).stop(failure);
				}
			}

		};
	}

	@Override
	public Scope open(String description, Map<String, String> entries) {
		List<Scope> opened = new ArrayList<>(this.observers.size());
		for (CallObserver observer : this.observers) {
			opened.add(observer.open(description, entries));
		}
		return (failure) -> {
			for (int i = opened.size() - 1; i >= 0; i--) {
				opened.get(i).close(failure);
			}
		};
	}

}

package dev.mp.internal.call;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.spi.CallObserver;

/**
 * A template's or a worker's {@link CallObserver}, kept from the calls it watches: what it throws is logged (the first
 * time as a warning, then at debug level) and the call goes on as if it were not observed. An observer so never fails
 * a call, nor makes a call that ran look failed to a caller who might then run it again, nor leaves a reader thread.
 */
public final class GuardedCallObserver implements CallObserver {

	/** Whether a failure was logged as a warning: said once, not for every call. */
	private static final AtomicBoolean warned = new AtomicBoolean();

	private static final Scope NO_SCOPE = (failure) -> {
	};

	private final CallObserver observer;

	private GuardedCallObserver(CallObserver observer) {
		this.observer = observer;
	}

	/** The observer, guarded; {@code null} for none. */
	public static @Nullable CallObserver of(@Nullable CallObserver observer) {
		return (observer == null || observer instanceof GuardedCallObserver) ? observer
				: new GuardedCallObserver(observer);
	}

	@Override
	public Observed start(CallInfo call) {
		Observed observed;
		try {
			observed = this.observer.start(call);
		}
		catch (RuntimeException ex) {
			failed("start observing a call to " + call.target(), ex);
			return Observed.NONE;
		}
		return new Observed() {

			@Override
			public Map<String, String> entries() {
				try {
					return observed.entries();
				}
				catch (RuntimeException ex) {
					failed("give a call its entries", ex);
					return Map.of();
				}
			}

			@Override
			public void stop(@Nullable Throwable failure) {
				try {
					observed.stop(failure);
				}
				catch (RuntimeException ex) {
					failed("stop observing a call", ex);
				}
			}

		};
	}

	@Override
	public Scope open(String description, Map<String, String> entries) {
		Scope scope;
		try {
			scope = this.observer.open(description, entries);
		}
		catch (RuntimeException ex) {
			failed("open the scope of " + description, ex);
			return NO_SCOPE;
		}
		return (failure) -> {
			try {
				scope.close(failure);
			}
			catch (RuntimeException ex) {
				failed("close the scope of " + description, ex);
			}
		};
	}

	private void failed(String what, RuntimeException ex) {
		// looked up here, not as the class loads: a worker's start must not set up its logging for this
		Logger logger = LoggerFactory.getLogger(GuardedCallObserver.class);
		String message = "The call observer " + this.observer.getClass().getName() + " failed to " + what
				+ "; the call goes on as it would unobserved";
		if (warned.compareAndSet(false, true)) {
			logger.warn(message + " (further failures are logged at debug level)", ex);
		}
		else {
			logger.debug(message, ex);
		}
	}

}

package dev.mp.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import dev.mp.spi.CallObserver;
import dev.mp.spi.ChildBootstrap;

/**
 * A test bootstrap mode, {@code observing}: a plain worker whose call observer puts each entry its parent's observer
 * gave a call in the MDC as {@code observed.<key>} for the length of the call, so a task can say what it got; it
 * throws where the entry {@link #FAIL} says.
 */
public final class ObservingBootstrap implements ChildBootstrap, CallObserver {

	/** The mode name. */
	public static final String MODE = "observing";

	/** An entry whose value, {@code open} or {@code close}, makes the observer throw there. */
	public static final String FAIL = "fail";

	@Override
	public String mode() {
		return MODE;
	}

	@Override
	public void start(Map<String, String> attributes) {
	}

	@Override
	public Object bean(@Nullable String beanName, Class<?> type) {
		throw new UnsupportedOperationException();
	}

	@Override
	public CallObserver callObserver() {
		return this;
	}

	@Override
	public Observed start(CallInfo call) {
		throw new UnsupportedOperationException("a worker makes no calls here");
	}

	@Override
	public Scope open(String description, Map<String, String> entries) {
		if ("open".equals(entries.get(FAIL))) {
			throw new IllegalStateException("open failed");
		}
		entries.forEach((key, value) -> MDC.put("observed." + key, value));
		MDC.put("observed.description", description);
		return (failure) -> {
			entries.keySet().forEach((key) -> MDC.remove("observed." + key));
			MDC.remove("observed.description");
			if ("close".equals(entries.get(FAIL))) {
				throw new IllegalStateException("close failed");
			}
		};
	}

	@Override
	public void close() {
	}

}

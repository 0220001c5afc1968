package dev.mp.internal.worker;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.MDC;

import dev.mp.internal.call.Invocation;
import dev.mp.spi.ChildBootstrap;

/**
 * The MDC of a call in the worker: the caller's context (see {@link dev.mp.internal.call.CallContext}) for the length
 * of the call, with mp's own keys, {@code mp.worker} and {@code mp.pid}, over it, as the parent puts them on the
 * worker's output; the call thread's MDC as it was is put back after.
 */
final class CallMdc implements Invocation {

	private static final long serialVersionUID = 1L;

	private final Invocation call;

	private final HashMap<String, String> context;

	/** @param context the caller's MDC as it came, for this call alone */
	CallMdc(Invocation call, Map<String, String> context) {
		this.call = call;
		this.context = new HashMap<>(context);
		String name = ChildIdentity.name();
		if (name != null) {
			this.context.put("mp.worker", name);
		}
		this.context.put("mp.pid", Long.toString(ProcessHandle.current().pid()));
	}

	@Override
	public Object invoke(ChildBootstrap bootstrap) throws Throwable {
		Map<String, String> previous = MDC.getCopyOfContextMap();
		MDC.setContextMap(this.context);
		try {
			return this.call.invoke(bootstrap);
		}
		finally {
			if (previous != null) {
				MDC.setContextMap(previous);
			}
			else {
				MDC.clear();
			}
		}
	}

	@Override
	public String describe() {
		return this.call.describe();
	}

}

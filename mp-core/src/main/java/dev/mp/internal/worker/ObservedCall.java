package dev.mp.internal.worker;

import java.util.Map;

import dev.mp.internal.call.Invocation;
import dev.mp.spi.CallObserver;
import dev.mp.spi.ChildBootstrap;

/**
 * A call run inside the scope the worker's {@link CallObserver} opens for it from the entries its parent's observer put
 * in its header (for Micrometer's, a span that continues the caller's trace), closed with what the call threw.
 */
final class ObservedCall implements Invocation {

	private static final long serialVersionUID = 1L;

	private final Invocation call;

	// never serialized: made in the worker from a call already read
	private final transient CallObserver observer;

	private final transient Map<String, String> entries;

	ObservedCall(Invocation call, CallObserver observer, Map<String, String> entries) {
		this.call = call;
		this.observer = observer;
		this.entries = entries;
	}

	@Override
	public Object invoke(ChildBootstrap bootstrap) throws Throwable {
		CallObserver.Scope scope = this.observer.open(this.call.describe(), this.entries);
		Object result;
		try {
			result = this.call.invoke(bootstrap);
		}
		catch (Throwable ex) {
			scope.close(ex);
			throw ex;
		}
		scope.close(null);
		return result;
	}

	@Override
	public String describe() {
		return this.call.describe();
	}

}

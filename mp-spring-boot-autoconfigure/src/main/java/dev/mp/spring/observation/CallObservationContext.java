package dev.mp.spring.observation;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of an {@code mp.call} observation: which call it is, and how it ended once it has. A tracer writes its
 * propagation fields into the carrier, which travels in the call's header to the worker.
 */
public class CallObservationContext extends SenderContext<Map<String, String>> {

	private final @Nullable String pool;

	private final String target;

	private final boolean beanMethod;

	private @Nullable String outcome;

	/**
	 * @param pool the pool the call goes to, or {@code null} for a fresh process
	 * @param target {@code bean.method} for a {@code @WorkerProcess} call, else the task's class
	 * @param beanMethod whether the call is a {@code @WorkerProcess} method's
	 */
	public CallObservationContext(@Nullable String pool, String target, boolean beanMethod) {
		super(Map::put, Kind.CLIENT);
		setCarrier(new HashMap<>());
		this.pool = pool;
		this.target = target;
		this.beanMethod = beanMethod;
	}

	/** The pool the call goes to, or {@code null} for a call that runs in a fresh process. */
	public @Nullable String getPool() {
		return this.pool;
	}

	/** {@code bean.method} for a {@code @WorkerProcess} call, else the task's class. */
	public String getTarget() {
		return this.target;
	}

	/** Whether the call is a {@code @WorkerProcess} method's, rather than a task given to the template or a pool. */
	public boolean isBeanMethod() {
		return this.beanMethod;
	}

	/**
	 * How the call ended: {@code success}, {@code failure}, {@code crash}, {@code timeout}, {@code cancelled} or
	 * {@code rejected}; {@code null} while it runs.
	 */
	public @Nullable String getOutcome() {
		return this.outcome;
	}

	void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}

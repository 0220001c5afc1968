package dev.mp.internal.call;

import java.util.concurrent.Callable;

import dev.mp.spi.ChildBootstrap;

/**
 * Runs a serializable task object: a {@code Callable}, a process's {@code run()} body, or a lambda.
 */
public final class TaskInvocation implements Invocation {

	private static final long serialVersionUID = 1L;

	private final Callable<?> task;

	private final String description;

	/**
	 * @param task the work; it is serialized, so it and what it captures must be serializable
	 * @param description what it runs, for people
	 */
	public TaskInvocation(Callable<?> task, String description) {
		this.task = task;
		this.description = description;
	}

	@Override
	public Object invoke(ChildBootstrap bootstrap) throws Exception {
		return this.task.call();
	}

	@Override
	public String describe() {
		return this.description;
	}

}

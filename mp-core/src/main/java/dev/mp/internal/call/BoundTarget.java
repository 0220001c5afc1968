package dev.mp.internal.call;

import dev.mp.SerializableConsumer;
import dev.mp.SerializableRunnable;

/**
 * A one-argument target with its argument, as Python's {@code Process(target=f, args=(a,))}: both travel to the child.
 *
 * @param target the function
 * @param argument its argument
 * @param <A> the argument type
 */
public record BoundTarget<A>(SerializableConsumer<A> target, A argument) implements SerializableRunnable {

	@Override
	public void run() throws Exception {
		this.target.accept(this.argument);
	}

}

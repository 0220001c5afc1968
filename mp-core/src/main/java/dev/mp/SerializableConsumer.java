package dev.mp;

import java.io.Serializable;

/**
 * A process target taking one argument, as Python's {@code Process(target=f, args=(a,))}; the target and its argument
 * travel to the child, so both must be serializable.
 *
 * @param <A> the argument type
 */
@FunctionalInterface
public interface SerializableConsumer<A> extends Serializable {

	void accept(A argument) throws Exception;

}

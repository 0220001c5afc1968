package dev.mp;

import java.io.Serializable;

/**
 * A function that can be sent to a child JVM, for {@link ProcessPool#map}; what it captures travels with it.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Serializable {

	R apply(T argument) throws Exception;

}

package dev.mp;

import java.io.Serializable;

/**
 * A two-argument function that can be sent to a child JVM, for {@link ProcessPool#starmap}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends Serializable {

	R apply(A first, B second) throws Exception;

}

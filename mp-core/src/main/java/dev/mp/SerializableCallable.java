package dev.mp;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be sent to a child JVM: its captured values travel with it, so they must be
 * serializable too.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {

}

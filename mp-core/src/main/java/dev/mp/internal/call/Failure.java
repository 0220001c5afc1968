package dev.mp.internal.call;

import java.io.Serializable;

/**
 * The payload of a FAILURE frame: the thrown exception itself when it could be serialized, and always its
 * {@link ThrowableSnapshot} so the parent can stand in for one it cannot read.
 *
 * @param setup {@code true} if the child failed to resolve or prepare the target, not in the user's code
 * @param thrown the serialized exception, or {@code null} if it could not be serialized
 * @param snapshot the exception's facts
 */
public record Failure(boolean setup, byte[] thrown, ThrowableSnapshot snapshot) implements Serializable {

}

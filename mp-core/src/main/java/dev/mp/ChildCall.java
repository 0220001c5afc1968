package dev.mp;

import java.util.concurrent.CompletableFuture;

/**
 * One call sent to a child: its correlation id (to cancel it) and its result.
 *
 * @param id the correlation id
 * @param result completes with the child's answer, or fails with why none came
 */
record ChildCall(long id, CompletableFuture<Object> result) {
}

package dev.mp.internal.call;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * One call sent to a child: its correlation id (to cancel it) and its result.
 *
 * @param id the correlation id
 * @param result completes with the child's answer, or fails with why none came
 */
public record ChildCall(long id, CompletableFuture<Object> result) {

	/** Completes a future with a value, or with a failure when there is one. */
	public static void settle(CompletableFuture<Object> call, @Nullable Object value, @Nullable Throwable failure) {
		if (failure != null) {
			call.completeExceptionally(failure);
		}
		else {
			call.complete(value);
		}
	}

	/** The failure inside the wrappers that futures put around it. */
	public static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException
				|| current instanceof ExecutionException) && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}

package dev.mp.internal.pool;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;

/**
 * A worker as the {@link PoolScheduler} sees it: a child JVM in production, a hand-driven fake in
 * the scheduler's tests.
 */
public interface PoolWorker {

	String name();

	/** For messages: the operating-system pid, or -1. */
	long pid();

	/** What started it, for a start failure's message. */
	List<String> command();

	/** Its last output lines, for a start failure's message. */
	List<String> outputTail();

	Instant startTime();

	/** Empty while it runs. */
	OptionalInt exitCode();

	/** Completes when it can take calls, or fails with why it never will. */
	CompletableFuture<Void> whenReady();

	/**
	 * Sends a call; its result completes with the answer, or fails with why none came.
	 * @param caller the caller's future, told of the call's progress on the thread that reads it, or {@code null}
	 */
	ChildCall call(CallRequest request, @Nullable CallbackFuture<?> caller);

	/** Looks for a call's answer where it may come first, for a caller about to block; see {@link CallbackFuture}. */
	void spinForAnswer(long callId, long maxNanos);

	/** Asks it to interrupt a call; the call's answer still comes. */
	void cancel(long callId);

	/** Asks it to exit once its call, if any, has answered. */
	void shutdown();

	void kill();

	/** Marks it as being stopped ahead of the signal, so that it gets no new call. */
	void markStopping();

	boolean isStopping();

	boolean isAlive();

	/** Whether its exit has been seen, which happens before its pending calls fail. */
	boolean hasExited();

	/** Waits for the exit, at most the given time; {@code true} if it has exited. */
	boolean awaitExit(long millis);

	/** Completes when it has exited. */
	CompletableFuture<?> onExit();

}

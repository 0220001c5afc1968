package dev.mp.internal.call;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.spi.CallObserver;

/**
 * A call on its way to a child, before it has an id: an invocation encoded by the codec ({@link FrameType#CALL}), or a
 * task lambda or bean call in mp's compact form ({@link FrameType#COMPACT_CALL}), either of them with its caller's
 * context ahead of it ({@link FrameType#CONTEXT_CALL}, see {@link CallContext}), any of them with its result
 * streamed ({@link FrameType#STREAM_CALL}); and the template's observation of it, if it has an observer, which
 * whoever makes the caller's future ends with it.
 *
 * @param type the frame type it travels as
 * @param payload its bytes, or what makes them where they go
 * @param codecOffset where in the payload the bytes the codec wrote begin, which run to its end; {@code -1} when the
 * codec wrote none (a compact call)
 * @param observed the call's observation, or {@code null} when the template observes no calls
 * @param stream where the elements of a streamed call go, or {@code null} for a call with one answer
 */
public record CallRequest(FrameType type, Payload payload, int codecOffset, CallObserver.@Nullable Observed observed,
		@Nullable ElementSink stream) {

	/** A call whose payload has no bytes of the codec, not observed. */
	public CallRequest(FrameType type, Payload payload) {
		this(type, payload, -1, null, null);
	}

	/** A call not observed. */
	public CallRequest(FrameType type, Payload payload, int codecOffset) {
		this(type, payload, codecOffset, null, null);
	}

	/** The same call, kept for later (see {@link Payload#frozen()}). */
	public CallRequest frozen() {
		Payload kept = this.payload.frozen();
		return (kept == this.payload) ? this
				: new CallRequest(this.type, kept, this.codecOffset, this.observed, this.stream);
	}

	/**
	 * The same call with its result streamed: the worker sends the elements of what the call returns (a
	 * {@code Stream}, an {@code Iterable}, an {@code Iterator} or a {@code Flow.Publisher}) to {@code sink}, at most
	 * {@code window} ahead of the demand, then answers {@code null}.
	 */
	public CallRequest streamed(int window, ElementSink sink) {
		byte[] header = ByteBuffer.allocate(Integer.BYTES + 1).putInt(window).put(this.type.code()).array();
		return new CallRequest(FrameType.STREAM_CALL, Payload.prefixed(header, this.payload),
				(this.codecOffset < 0) ? -1 : header.length + this.codecOffset, this.observed, sink);
	}

	/** Ends the call's observation when the caller's future completes; nothing when it is not observed. */
	public void observeUntil(CompletableFuture<?> result) {
		CallObserver.Observed observed = this.observed;
		if (observed == null) {
			return;
		}
		BiConsumer<Object, Throwable> stop = (value, failure) -> observed.stop(failure);
		if (result instanceof CallbackFuture<?> callback) {
			// on the completing thread, as a plain future's is: not handed to the callback executor
			callback.whenDone(stop);
		}
		else {
			result.whenComplete(stop);
		}
	}

	/** Ends the call's observation at once: it failed before it had a future (rejected, or never launched). */
	public void observeFailed(Throwable failure) {
		if (this.observed != null) {
			this.observed.stop(failure);
		}
	}

	/** An invocation the codec encoded. */
	public static CallRequest encoded(byte[] payload) {
		return new CallRequest(FrameType.CALL, Payload.of(payload), 0);
	}

}

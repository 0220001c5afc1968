package dev.mp.internal.worker;

import java.nio.ByteBuffer;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializationException;
import dev.mp.TargetResolutionException;
import dev.mp.internal.call.CallContext;
import dev.mp.internal.call.CompactCalls;
import dev.mp.internal.call.Failure;
import dev.mp.internal.call.GuardedCallObserver;
import dev.mp.internal.call.Invocation;
import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.mailbox.CallMailbox;
import dev.mp.internal.transport.CallTransport;
import dev.mp.internal.wire.BufferStreams;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.PlainValues;
import dev.mp.internal.wire.ProtocolException;
import dev.mp.spi.CallObserver;
import dev.mp.spi.ChildBootstrap;
import dev.mp.spi.Codec;

/**
 * Runs one call in the worker and turns whatever comes of it into an answer: the result, what the call threw, or why
 * it could not run. It never throws short of running out of memory; when and where the answer goes is the runtime's.
 */
final class CallExecutor {

	private final Codec codec;

	private final ClassLoader classLoader;

	private final CompactCalls compactCalls;

	private final ChildBootstrap bootstrap;

	private final int maxFrameBytes;

	/** What opens a scope around each call whose parent observed it, or {@code null}. */
	private final @Nullable CallObserver observer;

	/** {@link #invocation(FrameType, ByteBuffer)} for the transport, made once rather than for each call. */
	private final CallTransport.PayloadReader<Invocation, ReflectiveOperationException> invocations =
			(type, id, payload) -> invocation(type, payload);

	CallExecutor(Codec codec, ClassLoader classLoader, ChildBootstrap bootstrap, int maxFrameBytes) {
		this.codec = codec;
		this.classLoader = classLoader;
		this.compactCalls = new CompactCalls(classLoader, codec);
		this.bootstrap = bootstrap;
		this.maxFrameBytes = maxFrameBytes;
		CallObserver observer = bootstrap.callObserver();
		// the guard's class is not even loaded by a worker without an observer: nothing more at its start
		this.observer = (observer != null) ? GuardedCallObserver.of(observer) : null;
	}

	/**
	 * The call's result, or what it threw, or why it could not run: an answer whatever the call throws.
	 * @param stream sends the elements of a streamed call's result, which then answers {@code null}; or {@code null}
	 */
	Answer answer(Frame request, @Nullable CallMailbox mailbox, @Nullable StreamSender stream) {
		try {
			return result(invocation(request, mailbox), stream);
		}
		catch (Throwable ex) {
			return failure(ex);
		}
	}

	/** Rebuilds a call, from the frame or from shared memory where the parent staged it. */
	private Invocation invocation(Frame request, @Nullable CallMailbox mailbox) throws ReflectiveOperationException {
		return CallTransport.read(request, mailbox, this.maxFrameBytes, this.invocations,
				() -> new IllegalStateException("The parent staged this call in shared memory, which this worker "
						+ "could not map (see its output)"));
	}

	private Invocation invocation(FrameType type, ByteBuffer payload) throws ReflectiveOperationException {
		return switch (type) {
			case COMPACT_CALL -> this.compactCalls.decode(payload);
			case CALL -> (Invocation) this.codec.decode(BufferStreams.bytes(payload), this.classLoader);
			case CONTEXT_CALL -> withContext(payload);
			default -> throw new ProtocolException("A " + type + " frame as a call");
		};
	}

	/**
	 * A call that carries its caller's context, which is read ahead of the call's own type and payload: the MDC is set
	 * around the observer's scope, which may put its own keys (a trace's) over it.
	 */
	private Invocation withContext(ByteBuffer payload) throws ReflectiveOperationException {
		CallContext.Header header = CallContext.read(payload);
		FrameType type = FrameType.of(payload.get());
		if (type == FrameType.CONTEXT_CALL) {
			throw new ProtocolException("A call context around another");
		}
		Invocation call = invocation(type, payload);
		if (this.observer != null && !header.entries().isEmpty()) {
			call = new ObservedCall(call, this.observer, header.entries());
		}
		return header.mdc().isEmpty() ? call : new CallMdc(call, header.mdc());
	}

	private Answer result(Invocation invocation, @Nullable StreamSender stream) {
		Object value;
		try {
			value = invocation.invoke(this.bootstrap);
			if (stream != null) {
				stream.send(value);
				value = null;
			}
		}
		catch (Throwable ex) {
			return failure(ex);
		}
		try {
			if (PlainValues.isPlain(value) && PlainValues.sizeOf(value) <= this.maxFrameBytes) {
				return new Answer(FrameType.PLAIN_RESULT, Payload.plain(value));
			}
			// the codec also says what to do about a value over the frame limit
			return new Answer(FrameType.RESULT, Payload.of(this.codec.encode(value)));
		}
		catch (RuntimeException ex) {
			return failure(new SerializationException("The result of " + invocation.describe()
					+ " could not be sent back to the caller: " + ex.getMessage(), ex));
		}
	}

	/**
	 * The answer for a call that threw. The exception's own methods are read once, behind guards (see
	 * {@link ThrowableSnapshot}); the exception itself is sent too only when all of them answered and its chain was
	 * not cut, since the parent would have to stand in for it anyway.
	 */
	private Answer failure(Throwable thrown) {
		boolean setup = thrown instanceof TargetResolutionException;
		ThrowableSnapshot.Reading reading = ThrowableSnapshot.read(thrown);
		byte[] serialized = reading.whole() ? serialized(thrown) : null;
		try {
			return new Answer(FrameType.FAILURE,
					Payload.of(this.codec.encode(new Failure(setup, serialized, reading.snapshot()))));
		}
		catch (RuntimeException ex) {
			// too large even as a snapshot (a huge message or stack): send the bare facts
			ThrowableSnapshot bare = new ThrowableSnapshot(thrown.getClass().getName(),
					"(details too large to send: " + ex.getMessage() + ")", new StackTraceElement[0], null,
					List.of());
			return new Answer(FrameType.FAILURE, Payload.of(this.codec.encode(new Failure(setup, null, bare))));
		}
	}

	/** The exception in Java serialization, or {@code null} when its class will not go that way. */
	private byte[] serialized(Throwable thrown) {
		try {
			return this.codec.encode(thrown);
		}
		catch (Throwable ex) {
			// its writeObject may throw anything, or overflow the stack on a deep graph
			return null;
		}
	}

	/** A call's answer before it has a frame: its type, and its payload not yet written anywhere. */
	record Answer(FrameType type, Payload payload) {
	}

}

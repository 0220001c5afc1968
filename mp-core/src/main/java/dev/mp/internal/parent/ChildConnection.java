package dev.mp.internal.parent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.MpException;
import dev.mp.PoolOptions;
import dev.mp.Progress;
import dev.mp.WorkerSetupException;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.call.ElementSink;
import dev.mp.internal.call.Failure;
import dev.mp.internal.call.Outcome;
import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.call.WorkerReports;
import dev.mp.internal.launch.OutputLines;
import dev.mp.internal.logging.LogEvents;
import dev.mp.internal.mailbox.CallMailbox;
import dev.mp.internal.transport.CallTransport;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.ProtocolException;

/**
 * Carries one child's calls: sends each through the child's mailbox in shared memory (staged there when it is large)
 * or over its socket, reads the answers on a thread of its own, matches them to their calls by correlation id, and
 * decodes them so that nothing a class's own {@code readObject} throws stops the reader. Its {@link ChildStart}
 * completes {@code ready} with the socket once the child has proved its secret; the {@link ChildJvm} it belongs to
 * keeps the lifecycle and fails the calls still waiting when the child exits.
 */
final class ChildConnection {

	/** Its messages are about the child: under the child's logger, where an operator looks for them. */
	private static final Logger logger = LoggerFactory.getLogger(ChildJvm.class);

	/** The bytes a call or an answer may have to pass through a worker's mailbox; larger ones use the socket. */
	private static final int MAILBOX_BYTES = 128 * 1024;

	private final ChildJvm child;

	private final ChildStart start;

	private final ParentRuntime parent;

	/** The socket once the child has proved its secret; failed with the reason it never will. */
	private final CompletableFuture<FrameChannel> ready;

	/** How long this worker and its callers look at its mailbox (see {@link PoolOptions#spinWait()}); 0 = never. */
	private final long spinNanos;

	/**
	 * The pool worker's shared-memory short cut for calls, or {@code null}; dropped when the worker exits, so that
	 * its memory goes with the next collection even while the child is kept to show the exited worker.
	 */
	private volatile @Nullable CallMailbox mailbox;

	private final Map<Long, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();

	/** Where the elements of streamed calls go, by call id, until their answers. */
	private final Map<Long, ElementSink> streams = new ConcurrentHashMap<>();

	/** The latest report of a call's progress, shown while that call waits for its answer. */
	private volatile @Nullable CallProgress progress;

	private final AtomicLong nextCallId = new AtomicLong();

	private final AtomicLong answers = new AtomicLong();

	/** Whether the child said it has built the fast codec ({@link FrameType#CODEC_BUILT}), so calls go in its form. */
	private volatile boolean codecBuilt;

	/** A remote worker's stdout and stderr as it sends them (see {@link FrameType#OUTPUT}); made on first use. */
	private OutputLines @Nullable [] sentOutput;

	private final CompletableFuture<Void> readerDone = new CompletableFuture<>();

	/** {@link #outcome}, made once rather than for each answer. */
	private final CallTransport.PayloadReader<@Nullable Outcome, RuntimeException> outcomes = this::outcome;

	ChildConnection(ChildJvm child, ParentRuntime parent, ChildStart start, long spinNanos) {
		this.child = child;
		this.start = start;
		this.parent = parent;
		this.ready = start.ready();
		this.spinNanos = spinNanos;
	}

	/**
	 * Opens the pool worker's mailbox, if it looks at one.
	 * @return the mailbox file for the worker's bootstrap, or {@code ""} when it has none
	 */
	String openMailbox() {
		if (this.spinNanos <= 0) {
			return "";
		}
		try {
			CallMailbox box = CallMailbox.create(this.parent.sharedMemoryDirectory(), MAILBOX_BYTES);
			this.mailbox = box;
			return box.file().toString();
		}
		catch (IOException | RuntimeException ex) {
			// a full /dev/shm costs the short cut, not the worker
			logger.debug("Worker '{}' gets no call mailbox; its calls all use the socket: {}", this.child.name(),
					ex.toString());
			return "";
		}
	}

	void closeMailbox() {
		CallMailbox open = this.mailbox;
		this.mailbox = null;
		if (open != null) {
			open.close();
		}
	}

	/**
	 * Starts the thread that reads the child's answers; on failure (such as no native thread left) closes the
	 * channel and throws what starting the thread threw.
	 */
	void startReading(FrameChannel channel) {
		Thread reader = new Thread(() -> read(channel), "mp-reader-" + this.child.pid());
		reader.setDaemon(true);
		try {
			reader.start();
		}
		catch (Throwable ex) {
			closeQuietly(channel);
			throw ex;
		}
	}

	/**
	 * Sends an encoded {@link dev.mp.internal.call.Invocation} once the child is ready.
	 * @param caller the caller's future, told of the call's progress on the reader thread, or {@code null}
	 * @return the call's id and result, or its failure; completed on the reader thread, so only mp's own short
	 * bookkeeping may be chained to it (callers get a {@link CallbackFuture})
	 */
	ChildCall call(CallRequest request, @Nullable CallbackFuture<?> caller) {
		long callId = this.nextCallId.incrementAndGet();
		CompletableFuture<Object> result = new PendingCall(caller);
		this.pending.put(callId, result);
		ElementSink stream = request.stream();
		if (stream != null) {
			this.streams.put(callId, stream);
			stream.bind((taken) -> send(new Frame(FrameType.DEMAND, callId,
					ByteBuffer.allocate(Integer.BYTES).putInt(taken).array())));
		}
		result.whenComplete((value, failure) -> {
			this.pending.remove(callId);
			if (stream != null) {
				this.streams.remove(callId);
			}
		});
		CallRequest form = this.codecBuilt ? request : this.parent.forColdChild(request);
		// sent once the child is ready: what the caller may change after submitting must not change the call
		CallRequest sent = this.ready.isDone() ? form : form.frozen();
		this.ready.whenComplete((channel, failure) -> {
			if (failure != null) {
				result.completeExceptionally(ChildCall.unwrap(failure));
				return;
			}
			try {
				if (stream != null) {
					// over the socket, never staged: the worker's frame thread must know it at once for a stream
					CallTransport.writeToWorker(channel, this.mailbox,
							new Frame(sent.type(), callId, sent.payload().bytes()));
				}
				else {
					CallTransport.sendCall(channel, this.mailbox, sent.type(), callId, sent.payload(),
							this.parent.maxFrameBytes());
				}
			}
			catch (IOException ex) {
				// the child is going away; its exit fails this call with the facts
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		// the state turns EXITED before the exit fails the pending calls: a call put there later sees it
		if (this.child.hasExited()) {
			result.completeExceptionally(this.start.exitedFailure());
		}
		return new ChildCall(callId, result);
	}

	/**
	 * Looks at the mailbox for a call's answer for up to the spin wait (and no longer than {@code maxNanos}), and
	 * takes it if it comes there; the caller then waits as usual, for an answer that came or comes over the socket.
	 */
	void spinForAnswer(long callId, long maxNanos) {
		CompletableFuture<Object> call = this.pending.get(callId);
		CallMailbox box = this.mailbox;
		if (box == null || call == null) {
			return;
		}
		try {
			Frame answer = box.awaitAnswer(this.spinNanos, maxNanos, call::isDone);
			if (answer != null) {
				answered(answer, box);
			}
		}
		catch (ProtocolException ex) {
			brokeProtocol(ex);
		}
		catch (RuntimeException ex) {
			// the answer was taken from the box: the call must not be left waiting for it
			brokeProtocol(new ProtocolException("Unreadable answer in the mailbox: " + ex));
		}
	}

	/** Sends a frame that answers nothing (a cancel, a shutdown) if the child is connected; dropped otherwise. */
	void send(Frame frame) {
		FrameChannel channel = this.ready.getNow(null);
		if (channel == null || this.ready.isCompletedExceptionally()) {
			return;
		}
		try {
			CallTransport.writeToWorker(channel, this.mailbox, frame);
		}
		catch (IOException ex) {
			// the child is going away; its exit is reported as usual
		}
	}

	/** Whether a call is waiting for its answer. */
	boolean hasPendingCalls() {
		return !this.pending.isEmpty();
	}

	/** How many answers the child has sent. */
	long answers() {
		return this.answers.get();
	}

	/** After the child's exit: waits a little for the reader to take what the child sent before it went. */
	void drain() {
		if (this.ready.isDone() && !this.ready.isCompletedExceptionally()) {
			awaitQuietly(this.readerDone);
		}
	}

	/** After the child's exit: fails every call still waiting, and closes the socket if there was one. */
	void close(Throwable failure) {
		this.pending.values().forEach((call) -> call.completeExceptionally(failure));
		this.ready.thenAccept(ChildConnection::closeQuietly);
	}

	private void read(FrameChannel channel) {
		try {
			Frame frame;
			while ((frame = channel.read()) != null) {
				switch (frame.type()) {
					case RESULT, PLAIN_RESULT, FAILURE, STAGED -> answered(frame, this.mailbox);
					case PONG -> {
					}
					case CODEC_BUILT -> this.codecBuilt = true;
					case OUTPUT -> output(frame.payload());
					case FACTS -> this.child.jvm = WorkerReports.facts(frame.payload(), Instant.now());
					case PROGRESS -> progressed(frame.correlationId(), WorkerReports.progress(frame.payload()));
					case ELEMENT -> element(frame.correlationId(), frame.payload());
					case LOG_EVENT -> LogEvents.emit(frame.payload(), this.child.name(), localPid(), this.child.tail());
					default -> throw new ProtocolException("Unexpected " + frame.type() + " frame");
				}
			}
		}
		catch (ProtocolException ex) {
			brokeProtocol(ex);
		}
		catch (IOException | RuntimeException ex) {
			// usually the child dying (a reset before the exit is seen): its exit fails the calls with the facts
			if (this.child.isAlive()) {
				logger.debug("Connection to child '{}' (pid {}) failed: {}", this.child.name(), this.child.pid(),
						ex.toString());
				this.child.killForFailure();
			}
		}
		finally {
			closeQuietly(channel);
			if (this.sentOutput != null) {
				this.sentOutput[0].finish();
				this.sentOutput[1].finish();
			}
			this.readerDone.complete(null);
		}
	}

	/** A call's report of its progress; only the reader thread calls this, ahead of the call's answer. */
	private void progressed(long callId, Progress report) {
		if (!(this.pending.get(callId) instanceof PendingCall call)) {
			return;
		}
		this.progress = new CallProgress(callId, report);
		if (call.caller != null) {
			try {
				call.caller.progress(report);
			}
			catch (RuntimeException ex) {
				// its listeners' trouble (their executor shut down as the template closes), not the worker's
				logger.debug("The progress of a call of child '{}' was not handed on: {}", this.child.name(),
						ex.toString());
			}
		}
	}

	/**
	 * An element of a streamed call, decoded here as answers are; one that cannot be read fails its stream, whose
	 * call is then cancelled. Only the reader thread calls this, ahead of the call's answer.
	 */
	private void element(long callId, byte[] payload) {
		ElementSink sink = this.streams.get(callId);
		if (sink == null) {
			return;
		}
		Object value;
		try {
			value = decode(payload);
		}
		catch (Throwable ex) {
			sink.failed(ThrowableSnapshot.of(ex).keepIfItAnswers(ex));
			return;
		}
		sink.element(value);
	}

	/** A call waiting for its answer, and whose future hears its progress. */
	private static final class PendingCall extends CompletableFuture<Object> {

		private final @Nullable CallbackFuture<?> caller;

		PendingCall(@Nullable CallbackFuture<?> caller) {
			this.caller = caller;
		}

	}

	/** The latest report of the progress of a call still waiting for its answer. */
	Optional<Progress> progress() {
		CallProgress latest = this.progress;
		return (latest != null && this.pending.containsKey(latest.callId())) ? Optional.of(latest.report())
				: Optional.empty();
	}

	private record CallProgress(long callId, Progress report) {
	}

	/** Output a remote worker sends, logged as a local worker's pipes are; only the reader thread calls this. */
	private void output(byte[] payload) {
		if (payload.length == 0) {
			return;
		}
		if (this.sentOutput == null) {
			String loggerName = this.child.loggerName();
			this.sentOutput = new OutputLines[] {
					new OutputLines(loggerName, this.child.name(), -1, false, this.child.tail()),
					new OutputLines(loggerName, this.child.name(), -1, true, this.child.tail()) };
		}
		// the first byte says which stream: 2 for stderr
		OutputLines lines = this.sentOutput[(payload[0] == 2) ? 1 : 0];
		lines.accept(payload, 1, payload.length - 1);
	}

	/** The worker's pid for its events' MDC, as its output is tagged: none for a pod, whose pid means nothing here. */
	private @Nullable String localPid() {
		return (this.child.role.launcher().remoteAccess() == null) ? Long.toString(this.child.pid()) : null;
	}

	/** The child speaks nonsense, on its socket or in its mailbox: its calls fail with what was wrong, then it goes. */
	private void brokeProtocol(ProtocolException ex) {
		// before its calls fail: a pool must not hand this worker its next task
		this.child.markStopping();
		String name = this.child.name();
		long pid = this.child.pid();
		logger.warn("Child '{}' (pid {}) broke the protocol; killing it: {}", name, pid, ex.getMessage());
		MpException failure = new MpException(
				"Child '" + name + "' (pid " + pid + ") broke the protocol, so it was killed: " + ex.getMessage(), ex);
		this.pending.values().forEach((call) -> call.completeExceptionally(failure));
		this.child.killForFailure();
	}

	/**
	 * A call's answer, from the socket or the mailbox ({@code box}, the one it came through), whole or staged in
	 * shared memory. A staged one is decoded and its room handed back before the call completes: completing it may
	 * send the pool's next call, whose answer should find the room free.
	 */
	private void answered(Frame answer, @Nullable CallMailbox box) {
		Outcome outcome = CallTransport.read(answer, box, this.parent.maxFrameBytes(), this.outcomes,
				() -> new ProtocolException("A staged answer from a worker without a mailbox"));
		settle(answer.correlationId(), outcome);
	}

	/** What an answer says, decoded; {@code null} when nobody waits for it any more. */
	private @Nullable Outcome outcome(FrameType type, long callId, ByteBuffer payload) {
		if (type != FrameType.RESULT && type != FrameType.PLAIN_RESULT && type != FrameType.FAILURE) {
			throw new ProtocolException("A " + type + " frame as an answer");
		}
		this.answers.incrementAndGet();
		if (!this.pending.containsKey(callId)) {
			return null;
		}
		return Outcome.read(type, payload, this::decode, this::remoteThrowable);
	}

	private Object decode(byte[] bytes) {
		return this.parent.codec().decode(bytes, this.parent.classLoader());
	}

	private void settle(long callId, @Nullable Outcome outcome) {
		CompletableFuture<Object> call = (outcome != null) ? this.pending.get(callId) : null;
		if (call != null) {
			ChildCall.settle(call, outcome.value(), outcome.failure());
		}
	}

	/** What a call threw, as it was if it can be read back and trusted, as a stand-in otherwise. */
	private Throwable remoteThrowable(Failure failure) {
		Throwable thrown = failure.rebuild(this::decode);
		if (failure.setup()) {
			String message = failure.snapshot().message();
			return new WorkerSetupException("Child JVM could not run " + this.child.description() + ": "
					+ ((message != null) ? message : failure.snapshot().className()), this.child.name(),
					this.child.pid(), this.child.command(), this.child.outputTail(), thrown);
		}
		return thrown;
	}

	private static void awaitQuietly(CompletableFuture<?> future) {
		try {
			future.get(ChildJvm.DRAIN_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// drained as far as it goes
		}
	}

	static void closeQuietly(FrameChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

}

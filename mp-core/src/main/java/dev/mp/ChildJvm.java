package dev.mp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.call.Failure;
import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.launch.OutputLines;
import dev.mp.internal.launch.WorkerCommand;
import dev.mp.internal.mailbox.CallMailbox;
import dev.mp.internal.mailbox.StagedPayload;
import dev.mp.internal.wire.BufferStreams;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.PlainValues;
import dev.mp.internal.wire.ProtocolException;
import dev.mp.internal.wire.Throwables;
import dev.mp.internal.worker.BootstrapConfig;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.OutputTail;
import dev.mp.spi.WorkerExit;
import dev.mp.spi.WorkerLaunch;
import dev.mp.spi.WorkerLauncher;

/**
 * The parent's side of one child JVM: has its {@link WorkerLauncher} start it (a local process, or a pod), owns its
 * connection, matches answers to calls, and turns its exit into facts (exit code, signal, last output) for every call
 * still waiting.
 */
final class ChildJvm implements ChildProcess {

	private static final Logger logger = LoggerFactory.getLogger(ChildJvm.class);

	private static final int TAIL_LINES = 40;

	/** The bytes a call or an answer may have to pass through a worker's mailbox; larger ones use the socket. */
	private static final int MAILBOX_BYTES = 128 * 1024;

	/** How long an exited child's socket and output may take to drain before its calls are failed. */
	private static final long DRAIN_MILLIS = 2_000;

	private final ParentRuntime parent;

	private final String id;

	private final String name;

	private final boolean daemon;

	private final ProcessOptions options;

	private final String description;

	private final boolean oneShot;

	private final String pool;

	private final AtomicLong tasksCompleted = new AtomicLong();

	private final WorkerCommand command;

	private final WorkerLauncher launcher;

	/** The secret the child must prove, its own: another worker's secret proves nothing here. */
	private final byte[] secret = Handshake.randomBytes();

	/** How long this worker and its callers look at its mailbox (see {@link PoolOptions#spinWait()}); 0 = never. */
	private final long spinNanos;

	/**
	 * The pool worker's shared-memory short cut for calls, or {@code null}; dropped when the worker exits, so that
	 * its memory goes with the next collection even while this object is kept to show the exited worker.
	 */
	private volatile CallMailbox mailbox;

	private final OutputTail tail = new OutputTail(TAIL_LINES);

	/** A remote worker's stdout and stderr as it sends them (see {@link FrameType#OUTPUT}); made on first use. */
	private OutputLines[] sentOutput;

	private final CompletableFuture<FrameChannel> ready = new CompletableFuture<>();

	private final CompletableFuture<Void> readerDone = new CompletableFuture<>();

	private final CompletableFuture<ChildJvm> exited = new CompletableFuture<>();

	private final Map<Long, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();

	private final AtomicLong nextCallId = new AtomicLong();

	private volatile LaunchedWorker worker;

	private volatile Instant startTime;

	private volatile Instant exitTime;

	private volatile ProcessState state = ProcessState.NEW;

	private volatile Integer exitCode;

	private volatile WorkerExit exit;

	/** Set by terminate() and kill(): an exit before the handshake is then no start failure. */
	private volatile boolean stopRequested;

	/**
	 * @param oneShot whether the child exits after answering its first call
	 * @param pool the pool the child works for, or {@code null}
	 * @param launcher what starts the child
	 * @param spinWait how long the worker and its callers look at its call mailbox; zero for none (a remote worker
	 * has none: it shares no memory with this JVM)
	 * @param command the local command, decided before (a remote launcher builds its own)
	 */
	ChildJvm(ParentRuntime parent, String id, String name, boolean daemon, ProcessOptions options,
			String description, boolean oneShot, String pool, WorkerLauncher launcher, Duration spinWait,
			WorkerCommand command) {
		this.parent = parent;
		this.launcher = launcher;
		this.id = id;
		this.name = name;
		this.daemon = daemon;
		this.options = options;
		this.description = description;
		this.oneShot = oneShot;
		this.pool = pool;
		this.spinNanos = (launcher.remoteAccess() == null) ? spinWait.toNanos() : 0;
		this.command = command;
	}

	/**
	 * Starts the JVM and returns once the OS process (or pod) exists; the handshake completes in the background.
	 * @throws ProcessStartException if the process cannot be created at all
	 */
	void launch() {
		WorkerServer server = this.parent.server();
		RemoteEndpoint remote = null;
		if (this.launcher.remoteAccess() != null) {
			remote = server.remoteEndpoint(this.launcher.remoteAccess());
		}
		openMailbox();
		server.expect(this.id, this);
		String logger = loggerName();
		BootstrapConfig bootstrap = new BootstrapConfig(this.id, this.name, this.secret,
				(remote != null) ? remote.host() + ":" + remote.port() : server.socketPath().toString(),
				ProcessHandle.current().pid(), this.options.bootstrapMode(), this.parent.maxFrameBytes(), this.oneShot,
				this.options.bootstrapAttributes(), (this.mailbox != null) ? this.mailbox.file().toString() : "",
				this.spinNanos);
		try {
			this.worker = this.launcher.launch(new WorkerLaunch(this.id, this.name, this.pool, this.options,
					this.command.command(), new LaunchBootstrap(bootstrap, remote), this.tail, logger));
		}
		catch (IOException | RuntimeException ex) {
			server.forget(this.id);
			closeMailbox();
			this.state = ProcessState.EXITED;
			ProcessStartException failure = new ProcessStartException("Cannot start a child JVM: " + ex.getMessage(),
					this.name, -1, this.command.command(), null, List.of(), ex);
			this.ready.completeExceptionally(failure);
			this.exited.complete(this);
			throw failure;
		}
		this.startTime = Instant.now();
		this.state = ProcessState.STARTING;
		this.worker.onExit().thenAcceptAsync(this::processExited, this.parent.callbacks());
		long timeout = this.options.startTimeout().toMillis();
		ScheduledFuture<?> deadline = this.parent.scheduler()
			.schedule(this::checkStarted, timeout, TimeUnit.MILLISECONDS);
		this.ready.whenComplete((channel, failure) -> deadline.cancel(false));
		if (this.command.trainsArchive()) {
			// after this child is ready, so that the training does not slow its start
			this.ready.thenRun(this::trainClassDataArchive);
		}
	}

	/** One logger per pool or name prefix, not per child: loggers are cached for the life of the JVM. */
	private String loggerName() {
		return (this.pool != null) ? this.pool : this.name.replaceFirst("-\\d+$", "");
	}

	private void openMailbox() {
		if (this.spinNanos <= 0) {
			return;
		}
		try {
			this.mailbox = CallMailbox.create(this.parent.sharedMemoryDirectory(), MAILBOX_BYTES);
		}
		catch (IOException | RuntimeException ex) {
			// a full /dev/shm costs the short cut, not the worker
			logger.debug("Worker '{}' gets no call mailbox; its calls all use the socket: {}", this.name,
					ex.toString());
		}
	}

	private void closeMailbox() {
		CallMailbox open = this.mailbox;
		this.mailbox = null;
		if (open != null) {
			open.close();
		}
	}

	/** Has a child that boots like this one record the classes it loads, unless one has (see there). */
	private void trainClassDataArchive() {
		if (this.parent.isClosed()) {
			return;
		}
		WorkerServer server = this.parent.server();
		BootstrapConfig config = new BootstrapConfig(this.id + "-training", this.name + "-training",
				Handshake.randomBytes(), server.socketPath().toString(), ProcessHandle.current().pid(),
				this.options.bootstrapMode(), this.parent.maxFrameBytes(), false, this.options.bootstrapAttributes(),
				"", 0);
		this.command.trainArchive(config, server.baseDirectory(), this.parent.trainings());
	}

	private void checkStarted() {
		if (this.ready.completeExceptionally(new ProcessStartException(
				"Child JVM did not complete its handshake within " + this.options.startTimeout()
						+ " (raise the start timeout if it is just slow); it was killed",
				this.name, pid(), command(), null, this.tail.lines(), null))) {
			// not through kill(): this is a start failure, not a stop the caller asked for
			this.worker.kill();
		}
	}

	/** Called by the server when the child has proved its secret. */
	void connected(FrameChannel channel) {
		// the reader before ready completes: calls are written from then on, and only the reader answers them
		Thread reader = new Thread(() -> read(channel), "mp-reader-" + pid());
		reader.setDaemon(true);
		try {
			reader.start();
		}
		catch (Throwable ex) {
			// such as OutOfMemoryError: unable to create native thread
			closeQuietly(channel);
			connectionFailed(ex);
			return;
		}
		// RUNNING before ready completes: whoever waits for ready sees it running (never after EXITED, though)
		synchronized (this) {
			if (this.state == ProcessState.STARTING) {
				this.state = ProcessState.RUNNING;
			}
		}
		if (!this.ready.complete(channel)) {
			// the reader ends on the closed channel
			closeQuietly(channel);
		}
	}

	/**
	 * Called when the child has proved its secret but its connection could not be taken (no thread for it): it fails
	 * to start now rather than when its start times out.
	 */
	void connectionFailed(Throwable cause) {
		if (this.ready.completeExceptionally(new ProcessStartException(
				"Child JVM proved its secret but the parent could not take its connection: " + cause, this.name,
				pid(), command(), null, this.tail.lines(), cause))) {
			// not through kill(): this is a start failure, not a stop the caller asked for
			this.worker.kill();
		}
	}

	/** The secret this child must prove. */
	byte[] secret() {
		return this.secret;
	}

	/** Completes when the child has connected, or fails with the reason it never will. */
	CompletableFuture<Void> whenReady() {
		return this.ready.thenApply((channel) -> null);
	}

	/**
	 * Sends an encoded {@link dev.mp.internal.call.Invocation} once the child is ready.
	 * @return the call's id and result, or its failure; completed on the reader thread, so only mp's own short
	 * bookkeeping may be chained to it (callers get a {@link CallbackFuture})
	 */
	ChildCall call(CallRequest request) {
		long callId = this.nextCallId.incrementAndGet();
		CompletableFuture<Object> result = new CompletableFuture<>();
		this.pending.put(callId, result);
		result.whenComplete((value, failure) -> this.pending.remove(callId));
		// sent once the child is ready: what the caller may change after submitting must not change the call
		CallRequest sent = this.ready.isDone() ? request : request.frozen();
		this.ready.whenComplete((channel, failure) -> {
			if (failure != null) {
				result.completeExceptionally(unwrap(failure));
				return;
			}
			try {
				CallMailbox box = this.mailbox;
				Frame call = (box != null)
						? box.stage(sent.type(), callId, sent.payload(), this.parent.maxFrameBytes()) : null;
				if (call == null) {
					call = new Frame(sent.type(), callId, sent.payload().bytes());
				}
				if (box == null || !box.post(call)) {
					write(channel, call);
				}
			}
			catch (IOException ex) {
				// the child is going away; processExited() fails this call with the facts
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		// the state turns EXITED before processExited() fails the pending calls: a call put there later sees it
		if (this.state == ProcessState.EXITED) {
			result.completeExceptionally(died());
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

	/**
	 * Asks the child to interrupt a call; its answer still comes, usually an {@code InterruptedException}. A local child
	 * takes the cancel on stdin, which it watches on a thread of its own while the call runs on the socket's reader; a
	 * remote one as a frame, which its connection's reader thread hands over.
	 */
	void cancel(long callId) {
		LaunchedWorker started = this.worker;
		if (started != null && !started.cancel(callId)) {
			send(Frame.of(FrameType.CANCEL, callId));
		}
	}

	/** Asks the child to exit with code 0; a child running a call reads this once the call has answered. */
	void shutdown() {
		send(Frame.of(FrameType.SHUTDOWN, 0));
	}

	private void send(Frame frame) {
		FrameChannel channel = this.ready.getNow(null);
		if (channel == null || this.ready.isCompletedExceptionally()) {
			return;
		}
		try {
			write(channel, frame);
		}
		catch (IOException ex) {
			// the child is going away; its exit is reported as usual
		}
	}

	/** Every frame to the child goes here, so that a worker looking at its mailbox knows to read the socket. */
	private void write(FrameChannel channel, Frame frame) throws IOException {
		CallMailbox box = this.mailbox;
		if (box != null) {
			box.announceSocketFrame();
		}
		channel.write(frame);
	}

	private void read(FrameChannel channel) {
		try {
			Frame frame;
			while ((frame = channel.read()) != null) {
				switch (frame.type()) {
					case RESULT, PLAIN_RESULT, FAILURE, STAGED -> answered(frame, this.mailbox);
					case PONG -> {
					}
					case OUTPUT -> output(frame.payload());
					default -> throw new ProtocolException("Unexpected " + frame.type() + " frame");
				}
			}
		}
		catch (ProtocolException ex) {
			brokeProtocol(ex);
		}
		catch (IOException | RuntimeException ex) {
			// usually the child dying (a reset before the exit is seen): its exit fails the calls with the facts
			if (isAlive()) {
				logger.debug("Connection to child '{}' (pid {}) failed: {}", this.name, pid(), ex.toString());
				this.worker.kill();
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

	/** Output a remote worker sends, logged as a local worker's pipes are; only the reader thread calls this. */
	private void output(byte[] payload) {
		if (payload.length == 0) {
			return;
		}
		if (this.sentOutput == null) {
			this.sentOutput = new OutputLines[] { new OutputLines(loggerName(), this.name, -1, false, this.tail),
					new OutputLines(loggerName(), this.name, -1, true, this.tail) };
		}
		// the first byte says which stream: 2 for stderr
		OutputLines lines = this.sentOutput[(payload[0] == 2) ? 1 : 0];
		lines.accept(payload, 1, payload.length - 1);
	}

	/** The child speaks nonsense, on its socket or in its mailbox: its calls fail with what was wrong, then it goes. */
	private void brokeProtocol(ProtocolException ex) {
		// before its calls fail: a pool must not hand this worker its next task
		markStopping();
		logger.warn("Child '{}' (pid {}) broke the protocol; killing it: {}", this.name, pid(), ex.getMessage());
		MpException failure = new MpException("Child '" + this.name + "' (pid " + pid()
				+ ") broke the protocol, so it was killed: " + ex.getMessage(), ex);
		this.pending.values().forEach((call) -> call.completeExceptionally(failure));
		this.worker.kill();
	}

	/**
	 * A call's answer, from the socket or the mailbox ({@code box}, the one it came through), whole or staged in
	 * shared memory. A staged one is decoded and its room handed back before the call completes: completing it may
	 * send the pool's next call, whose answer should find the room free.
	 */
	private void answered(Frame answer, CallMailbox box) {
		long callId = answer.correlationId();
		if (answer.type() != FrameType.STAGED) {
			settle(callId, outcome(answer.type(), callId, ByteBuffer.wrap(answer.payload())));
			return;
		}
		if (box == null) {
			throw new ProtocolException("A staged answer from a worker without a mailbox");
		}
		Outcome outcome;
		try (StagedPayload staged = box.openStaged(answer, this.parent.maxFrameBytes())) {
			outcome = outcome(staged.type(), callId, staged.payload());
		}
		settle(callId, outcome);
	}

	/** What an answer says, decoded; {@code null} when nobody waits for it any more. */
	private Outcome outcome(FrameType type, long callId, ByteBuffer payload) {
		if (type != FrameType.RESULT && type != FrameType.PLAIN_RESULT && type != FrameType.FAILURE) {
			throw new ProtocolException("A " + type + " frame as an answer");
		}
		this.tasksCompleted.incrementAndGet();
		if (!this.pending.containsKey(callId)) {
			return null;
		}
		try {
			return switch (type) {
				case RESULT -> new Outcome(
						this.parent.codec().decode(BufferStreams.bytes(payload), this.parent.classLoader()), null);
				case PLAIN_RESULT -> new Outcome(PlainValues.decode(payload), null);
				default -> new Outcome(null, thrown(BufferStreams.bytes(payload)));
			};
		}
		catch (Throwable ex) {
			// a class's own readObject may throw anything; the reader thread goes on and the caller hears
			return new Outcome(null, RemoteExceptionStandIn.ifItAnswers(ex, ThrowableSnapshot.of(ex)));
		}
	}

	private Throwable thrown(byte[] payload) {
		Failure failure = (Failure) this.parent.codec().decode(payload, this.parent.classLoader());
		return remoteThrowable(failure);
	}

	private void settle(long callId, Outcome outcome) {
		CompletableFuture<Object> call = (outcome != null) ? this.pending.get(callId) : null;
		if (call != null) {
			settle(call, outcome.value(), outcome.failure());
		}
	}

	/** A decoded answer: the call's value, or what it threw (or why its answer could not be read). */
	private record Outcome(Object value, Throwable failure) {
	}

	/** Completes a future with a value, or with a failure when there is one. */
	static void settle(CompletableFuture<Object> call, Object value, Throwable failure) {
		if (failure != null) {
			call.completeExceptionally(failure);
		}
		else {
			call.complete(value);
		}
	}

	/** What a call threw, as it was if it can be read back and trusted, as a stand-in otherwise. */
	private Throwable remoteThrowable(Failure failure) {
		Throwable decoded = null;
		if (failure.thrown() != null) {
			try {
				decoded = (Throwable) this.parent.codec().decode(failure.thrown(), this.parent.classLoader());
			}
			catch (Throwable ex) {
				// the exception class's own readObject may throw anything: the snapshot has its facts
				logger.debug("Exception from child '{}' cannot be read back; using a stand-in: {}", this.name,
						Throwables.describe(ex));
			}
		}
		Throwable thrown = RemoteExceptionStandIn.ifItAnswers(decoded, failure.snapshot());
		if (failure.setup()) {
			String message = failure.snapshot().message();
			return new WorkerSetupException("Child JVM could not run " + this.description + ": "
					+ ((message != null) ? message : failure.snapshot().className()), this.name, pid(), command(),
					this.tail.lines(), thrown);
		}
		return thrown;
	}

	private void processExited(WorkerExit exit) {
		if (this.ready.isDone() && !this.ready.isCompletedExceptionally()) {
			awaitQuietly(this.readerDone);
		}
		try {
			this.worker.awaitOutput(DRAIN_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.exit = exit;
		this.exitCode = exit.exitCode();
		this.exitTime = Instant.now();
		synchronized (this) {
			this.state = ProcessState.EXITED;
		}
		this.parent.server().forget(this.id);
		closeMailbox();
		this.ready.completeExceptionally(new ProcessStartException("Child JVM exited before it was ready"
				+ ((exit.reason() != null) ? " (" + exit.reason() + ")" : ""), this.name, pid(), command(),
				this.exitCode, this.tail.lines(), null));
		ProcessDiedException died = died();
		if (!this.pending.isEmpty() && !this.stopRequested) {
			List<String> lines = this.tail.lines();
			logger.warn("Child JVM '{}' (pid {}) died with a call running: {}; last output: {}", this.name, pid(),
					exitReason().orElse("no exit code"), lines.isEmpty() ? "(none)" : lines.get(lines.size() - 1));
		}
		this.pending.values().forEach((call) -> call.completeExceptionally(died));
		this.ready.thenAccept(ChildJvm::closeQuietly);
		this.exited.complete(this);
	}

	private ProcessDiedException died() {
		String what = "Child JVM exited before it answered a call to " + this.description;
		int code = (this.exitCode != null) ? this.exitCode : 0;
		WorkerExit end = this.exit;
		if (end != null && end.outOfMemory()) {
			return new ProcessOutOfMemoryException(what + " (killed for exceeding its memory limit"
					+ ((end.reason() != null) ? ": " + end.reason() : "") + ")", this.name, pid(), command(), code,
					this.tail.lines());
		}
		if (end != null && end.reason() != null) {
			what += " (" + end.reason() + ")";
		}
		return new ProcessDiedException(what, this.name, pid(), command(), code, this.tail.lines());
	}

	/** The failure that kept this child from becoming ready, or {@code null} (also if it was stopped on purpose). */
	ProcessStartException startFailure() {
		if (this.stopRequested || !this.ready.isCompletedExceptionally()) {
			return null;
		}
		try {
			this.ready.join();
			return null;
		}
		catch (RuntimeException ex) {
			Throwable cause = unwrap(ex);
			return (cause instanceof ProcessStartException start) ? start : null;
		}
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public long pid() {
		LaunchedWorker started = this.worker;
		return (started != null) ? started.pid() : -1;
	}

	@Override
	public boolean isDaemon() {
		return this.daemon;
	}

	@Override
	public ProcessState state() {
		ProcessState current = this.state;
		if (current != ProcessState.RUNNING || this.pool == null) {
			return current;
		}
		return this.pending.isEmpty() ? ProcessState.IDLE : ProcessState.BUSY;
	}

	@Override
	public String pool() {
		return this.pool;
	}

	@Override
	public long tasksCompleted() {
		return this.tasksCompleted.get();
	}

	@Override
	public boolean isAlive() {
		LaunchedWorker started = this.worker;
		return started != null && !this.exited.isDone();
	}

	@Override
	public OptionalInt exitCode() {
		Integer code = this.exitCode;
		return (code != null) ? OptionalInt.of(code) : OptionalInt.empty();
	}

	@Override
	public Instant startTime() {
		return this.startTime;
	}

	@Override
	public Instant exitTime() {
		return this.exitTime;
	}

	@Override
	public Optional<String> exitReason() {
		Integer code = this.exitCode;
		WorkerExit end = this.exit;
		String reason = (end != null) ? end.reason() : null;
		if (code == null) {
			return Optional.ofNullable(reason);
		}
		return Optional.of(ExitCodes.describe(code) + ((reason != null) ? " (" + reason + ")" : ""));
	}

	@Override
	public Optional<Duration> cpuTime() {
		LaunchedWorker started = this.worker;
		return (started != null && isAlive()) ? started.cpuTime() : Optional.empty();
	}

	@Override
	public OptionalLong residentMemoryBytes() {
		LaunchedWorker started = this.worker;
		return (started != null && isAlive()) ? started.residentMemoryBytes() : OptionalLong.empty();
	}

	@Override
	public String launcher() {
		return this.launcher.name();
	}

	@Override
	public Map<String, String> details() {
		LaunchedWorker started = this.worker;
		return (started != null) ? started.details() : Map.of();
	}

	@Override
	public List<String> outputTail() {
		return this.tail.lines();
	}

	@Override
	public String description() {
		return this.description;
	}

	@Override
	public String bootstrapMode() {
		return this.options.bootstrapMode();
	}

	/** The command the child runs: its launcher's (a pod's differs from a local JVM's), or the local one. */
	List<String> command() {
		LaunchedWorker started = this.worker;
		return (started != null) ? started.command() : this.command.command();
	}

	@Override
	public CompletableFuture<ChildJvm> onExit() {
		return this.exited.copy();
	}

	@Override
	public void terminate() {
		signal(false);
	}

	@Override
	public void kill() {
		signal(true);
	}

	/** A no-op once the child has exited, as Python's terminate() of a finished process: its pid may be reused. */
	private void signal(boolean forcibly) {
		LaunchedWorker started = this.worker;
		if (started == null || this.exited.isDone()) {
			return;
		}
		markStopping();
		if (forcibly) {
			started.kill();
		}
		else {
			started.terminate();
		}
	}

	/**
	 * Whether its exit has been seen: true from before its pending calls fail, where {@link #isAlive()} is still true
	 * until they have.
	 */
	boolean hasExited() {
		return this.state == ProcessState.EXITED;
	}

	/** Whether it has been told to stop (terminate, kill, a broken protocol): it should get no new call. */
	boolean isStopping() {
		return this.stopRequested;
	}

	/**
	 * Marks it as being stopped ahead of the signal: a pool decides under its lock that a worker is to be killed for
	 * its task, and sends the signal after.
	 */
	void markStopping() {
		this.stopRequested = true;
	}

	/** Waits for the exit, at most the given time; {@code true} if the child has exited. */
	boolean awaitExit(long millis) {
		try {
			this.exited.get(millis, TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.exited.isDone();
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	private static void awaitQuietly(CompletableFuture<?> future) {
		try {
			future.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// drained as far as it goes
		}
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException
				|| current instanceof ExecutionException) && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static void closeQuietly(FrameChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	@Override
	public String toString() {
		return "ChildProcess[" + this.name + ", pid " + pid() + ", " + this.state + "]";
	}

}

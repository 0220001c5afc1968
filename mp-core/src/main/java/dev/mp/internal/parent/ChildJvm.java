package dev.mp.internal.parent;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.ChildProcess;
import dev.mp.PoolOptions;
import dev.mp.ProcessDiedException;
import dev.mp.ProcessOptions;
import dev.mp.ProcessStartException;
import dev.mp.Progress;
import dev.mp.ProcessState;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.launch.WorkerCommand;
import dev.mp.internal.pool.PoolWorker;
import dev.mp.internal.server.ExpectedWorker;
import dev.mp.internal.server.WorkerServer;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.worker.BootstrapConfig;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.internal.worker.WorkerEnd;
import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.WorkerExit;
import dev.mp.spi.WorkerLaunch;
import dev.mp.spi.WorkerLauncher;

/**
 * The parent's side of one child JVM: has its {@link WorkerLauncher} start it (a local process, or a pod), turns its
 * exit into facts (exit code, signal, last output) for every call still waiting, signals it and waits for its exit.
 * What it shows of those facts as a {@link ChildProcess} is its {@link ChildView}'s. Its handshake is its
 * {@link ChildStart}'s; its calls travel through its {@link ChildConnection}; its command was decided before (see
 * {@link WorkerCommand}).
 */
public final class ChildJvm extends ChildView implements PoolWorker {

	private static final Logger logger = LoggerFactory.getLogger(ChildJvm.class);

	/** How long an exited child's socket and output may take to drain before its calls are failed. */
	static final long DRAIN_MILLIS = 2_000;

	private final ParentRuntime parent;

	/** How long this worker and its callers look at its mailbox (see {@link PoolOptions#spinWait()}); 0 = never. */
	private final long spinNanos;

	private final ChildStart start;

	private final ChildConnection connection;

	private final CompletableFuture<ChildJvm> exited = new CompletableFuture<>();

	private volatile ProcessState state = ProcessState.NEW;

	/** Set by terminate() and kill(): an exit before the handshake is then no start failure. */
	private volatile boolean stopRequested;

	/**
	 * @param id the id the child presents in its handshake
	 * @param command the local command, decided before (a remote launcher builds its own)
	 */
	public ChildJvm(ParentRuntime parent, String id, ChildRole role, ProcessOptions options, WorkerCommand command) {
		super(id, role, options, command);
		this.parent = parent;
		// a remote worker shares no memory with this JVM: it has no mailbox to look at
		this.spinNanos = (role.launcher().remoteAccess() == null) ? role.spinWait().toNanos() : 0;
		this.start = new ChildStart(this, options.startTimeout());
		this.connection = new ChildConnection(this, parent, this.start, this.spinNanos);
	}

	/**
	 * Starts the JVM and returns once the OS process (or pod) exists; the handshake completes in the background.
	 * @throws ProcessStartException if the process cannot be created at all
	 */
	public void launch() {
		// first: whatever asking for them costs or throws, nothing is open yet
		Map<String, String> launchAttributes = this.parent.launchAttributes(this.options);
		WorkerServer server = this.parent.server();
		RemoteEndpoint remote = null;
		if (this.role.launcher().remoteAccess() != null) {
			remote = server.remoteEndpoint(this.role.launcher().remoteAccess());
		}
		String mailbox = this.connection.openMailbox();
		server.expect(this.id, this.start);
		String logger = loggerName();
		BootstrapConfig bootstrap = new BootstrapConfig(this.id, name(), this.start.secret(),
				(remote != null) ? remote.host() + ":" + remote.port() : server.socketPath().toString(),
				ProcessHandle.current().pid(), this.options.bootstrapMode(), this.parent.maxFrameBytes(),
				this.role.end(), this.options.bootstrapAttributes(), launchAttributes, mailbox, this.spinNanos,
				this.parent.codecIdentity(), this.parent.jvmFactsInterval().toMillis());
		try {
			this.worker = this.role.launcher()
				.launch(new WorkerLaunch(this.id, name(), this.role.pool(), this.options, this.command.command(),
						new LaunchBootstrap(bootstrap, remote), this.tail, logger));
		}
		catch (IOException | RuntimeException ex) {
			server.forget(this.id);
			this.connection.closeMailbox();
			this.state = ProcessState.EXITED;
			ProcessStartException failure = new ProcessStartException("Cannot start a child JVM: " + ex.getMessage(),
					name(), -1, this.command.command(), null, List.of(), ex);
			this.start.launchFailed(failure);
			this.exited.complete(this);
			throw failure;
		}
		this.startTime = Instant.now();
		this.state = ProcessState.STARTING;
		this.worker.onExit().thenAcceptAsync(this::processExited, this.parent.callbacks());
		this.start.startTimeout(this.parent.scheduler());
		if (this.command.trainsArchive()) {
			// after this child is ready, so that the training does not slow its start
			this.start.ready().thenRun(this::trainClassDataArchive);
		}
	}

	/** Has a child that boots like this one record the classes it loads, unless one has (see there). */
	private void trainClassDataArchive() {
		if (this.parent.isClosed()) {
			return;
		}
		WorkerServer server = this.parent.server();
		BootstrapConfig config = new BootstrapConfig(this.id + "-training", name() + "-training",
				Handshake.randomBytes(), server.socketPath().toString(), ProcessHandle.current().pid(),
				this.options.bootstrapMode(), this.parent.maxFrameBytes(), WorkerEnd.ON_SHUTDOWN,
				this.options.bootstrapAttributes(), this.parent.launchAttributes(this.options), "", 0,
				this.parent.codecIdentity(), 0);
		this.command.trainArchive(config, server.baseDirectory(), this.parent.trainings());
	}

	/**
	 * The child has proved its secret (see {@link ChildStart#connected}): its answers are read from now on, and it
	 * runs. Throws what starting the reader threw (such as no native thread left), the child still STARTING.
	 */
	void connected(FrameChannel channel) {
		// the reader before ready completes: calls are written from then on, and only the reader answers them
		this.connection.startReading(channel);
		// RUNNING before ready completes: whoever waits for ready sees it running (never after EXITED, though)
		synchronized (this) {
			if (this.state == ProcessState.STARTING) {
				this.state = ProcessState.RUNNING;
			}
		}
	}

	@Override
	public CompletableFuture<Void> whenReady() {
		return this.start.whenReady();
	}

	/** Its start: the secret, the handshake, and why it failed if it did. */
	public ExpectedWorker start() {
		return this.start;
	}

	/** Why it failed to start, if it did. */
	public @Nullable ProcessStartException startFailure() {
		return this.start.startFailure();
	}

	/** See {@link ChildConnection#call}. */
	@Override
	public ChildCall call(CallRequest request, @Nullable CallbackFuture<?> caller) {
		return this.connection.call(request, caller);
	}

	@Override
	public Optional<Progress> progress() {
		return this.connection.progress();
	}

	/** See {@link ChildConnection#spinForAnswer}. */
	@Override
	public void spinForAnswer(long callId, long maxNanos) {
		this.connection.spinForAnswer(callId, maxNanos);
	}

	/**
	 * Asks the child to interrupt a call; its answer still comes, usually an {@code InterruptedException}. A local child
	 * takes the cancel on stdin, which it watches on a thread of its own while the call runs on the socket's reader; a
	 * remote one as a frame, which its connection's reader thread hands over.
	 */
	@Override
	public void cancel(long callId) {
		LaunchedWorker started = this.worker;
		if (started != null && !started.cancel(callId)) {
			this.connection.send(Frame.of(FrameType.CANCEL, callId));
		}
	}

	/** Asks the child to exit with code 0; a child running a call reads this once the call has answered. */
	@Override
	public void shutdown() {
		this.connection.send(Frame.of(FrameType.SHUTDOWN, 0));
	}

	private void processExited(WorkerExit exit) {
		this.connection.drain();
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
		this.connection.closeMailbox();
		this.start.exited();
		ProcessDiedException died = died();
		if (this.connection.hasPendingCalls() && !this.stopRequested) {
			List<String> lines = this.tail.lines();
			logger.warn("Child JVM '{}' (pid {}) died with a call running: {}; last output: {}", name(), pid(),
					exitReason().orElse("no exit code"), lines.isEmpty() ? "(none)" : lines.get(lines.size() - 1));
		}
		this.connection.close(died);
		this.exited.complete(this);
	}

	@Override
	public ProcessState state() {
		ProcessState current = this.state;
		if (current != ProcessState.RUNNING || this.role.pool() == null) {
			return current;
		}
		return this.connection.hasPendingCalls() ? ProcessState.BUSY : ProcessState.IDLE;
	}

	@Override
	public long tasksCompleted() {
		return this.connection.answers();
	}

	@Override
	public boolean isAlive() {
		LaunchedWorker started = this.worker;
		return started != null && !this.exited.isDone();
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
	@Override
	public boolean hasExited() {
		return this.state == ProcessState.EXITED;
	}

	/** Whether it has been told to stop (terminate, kill, a broken protocol): it should get no new call. */
	@Override
	public boolean isStopping() {
		return this.stopRequested;
	}

	/**
	 * Marks it as being stopped ahead of the signal: a pool decides under its lock that a worker is to be killed for
	 * its task, and sends the signal after.
	 */
	@Override
	public void markStopping() {
		this.stopRequested = true;
	}

	/** Kills the child for a failure (its start, its connection, its protocol): no stop the caller asked for. */
	void killForFailure() {
		this.worker.kill();
	}

	/** Waits for the exit, at most the given time; {@code true} if the child has exited. */
	@Override
	public boolean awaitExit(long millis) {
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

	@Override
	public String toString() {
		return "ChildProcess[" + name() + ", pid " + pid() + ", " + this.state + "]";
	}

}

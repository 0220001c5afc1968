package dev.mp;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.parent.ChildJvm;

/**
 * A child JVM running one body of work, with the verbs of Python's {@code multiprocessing.Process}: {@link #start()},
 * {@link #run()}, {@link #join()}, {@link #isAlive()}, {@link #terminate()}, {@link #kill()}, {@link #close()}, and
 * {@link #name()}, {@link #pid()}, {@link #isDaemon()}, {@link #exitCode()}.
 * <p>
 * Build one from a target with {@link ProcessTemplate#process(SerializableRunnable)}, or subclass this class, override
 * {@link #run()}, and pass an instance to {@link ProcessTemplate#bind(ManagedProcess)}: the instance, with its
 * fields, is serialized and its {@code run()} is called in the child. Parent-side state is transient.
 * <p>
 * The exit code is 0 when {@code run()} returns, 1 when it throws (the exception is logged in the parent), the code
 * given to {@code System.exit} or {@code Runtime.halt}, and minus the signal number when a signal ended the child.
 */
public class ManagedProcess implements Serializable {

	private static final long serialVersionUID = 1L;

	private final SerializableRunnable target;

	private String name;

	private boolean daemon;

	private transient ProcessTemplate template;

	private transient ProcessOptions options;

	private transient volatile ChildJvm child;

	/** Set by {@link #close()}: from then on only a second close, the name, the state and toString() answer. */
	private transient volatile boolean closed;

	/** For subclasses that override {@link #run()}. */
	protected ManagedProcess() {
		this.target = null;
	}

	ManagedProcess(SerializableRunnable target) {
		this.target = target;
	}

	/**
	 * The process's body. Called in the child after {@link #start()}; calling it directly runs it in the current JVM,
	 * as in Python. By default runs the target the process was built with.
	 */
	public void run() throws Exception {
		if (this.target != null) {
			this.target.run();
		}
	}

	SerializableRunnable target() {
		return this.target;
	}

	void bind(ProcessTemplate template, String name, boolean daemon, ProcessOptions options) {
		synchronized (this) {
			requireNotStarted("bind");
			this.template = template;
			this.name = name;
			this.daemon = daemon;
			this.options = options;
		}
	}

	/**
	 * Starts the child JVM and returns once the operating-system process exists; the body runs as soon as the child
	 * has connected. A process can be started once.
	 * @throws IllegalStateException if already started, or not created through a {@link ProcessTemplate}
	 * @throws dev.mp.SerializationException if the process object cannot be serialized; nothing was forked
	 * @throws ProcessStartException if the JVM cannot be launched at all
	 */
	public final void start() {
		synchronized (this) {
			requireNotClosed("start");
			requireNotStarted("start");
			if (this.template == null) {
				throw new IllegalStateException("Process '" + this.name + "' is not bound to a ProcessTemplate: "
						+ "create it with processTemplate.process(target) or processTemplate.bind(process)");
			}
			this.child = this.template.start(this, this.options);
		}
	}

	/**
	 * Waits until the child has exited.
	 * @throws IllegalStateException if the process was not started, or was closed
	 * @throws ProcessStartException if the child could not start (it never ran the body)
	 */
	public final void join() throws InterruptedException {
		ChildJvm started = started("join");
		try {
			started.onExit().get();
		}
		catch (java.util.concurrent.ExecutionException ex) {
			// exit futures do not fail
		}
		throwIfStartFailed(started);
	}

	/**
	 * Waits at most {@code timeout} for the child to exit.
	 * @return {@code true} if it has exited
	 * @throws ProcessStartException if the child could not start (it never ran the body)
	 */
	public final boolean join(Duration timeout) throws InterruptedException {
		ChildJvm started = started("join");
		boolean exited = started.awaitExit(timeout.toMillis());
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		if (exited) {
			throwIfStartFailed(started);
		}
		return exited;
	}

	private static void throwIfStartFailed(ChildJvm started) {
		ProcessStartException failure = started.startFailure();
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Whether the child is running: started and not yet exited.
	 * @throws IllegalStateException if the process was closed
	 */
	public final boolean isAlive() {
		requireNotClosed("ask about");
		ChildJvm started = this.child;
		return started != null && started.isAlive();
	}

	/**
	 * Asks the child (and its descendants) to stop: SIGTERM. The exit code becomes -15 unless it exits otherwise. Does
	 * nothing once the child has exited, as Python's: its pid may already be another process's.
	 */
	public final void terminate() {
		started("terminate").terminate();
	}

	/** Stops the child (and its descendants) at once: SIGKILL. The exit code becomes -9. Does nothing once it exited. */
	public final void kill() {
		started("kill").kill();
	}

	/**
	 * Releases the parent's hold on an exited (or never started) process, as Python's {@code close()}: the process is
	 * forgotten by {@link ProcessTemplate#children()}, and every later use of it other than {@code close()},
	 * {@link #name()}, {@link #state()} and {@code toString()} throws {@code IllegalStateException}, as Python raises
	 * {@code ValueError}. A second close does nothing.
	 * @throws IllegalStateException if the child is still running
	 */
	public final void close() {
		synchronized (this) {
			ChildJvm started = this.child;
			if (started != null && started.isAlive()) {
				throw new IllegalStateException("Cannot close process '" + this.name + "': it is still running");
			}
			if (started != null && !this.closed) {
				this.template.forget(started);
			}
			this.closed = true;
		}
	}

	public final String name() {
		return this.name;
	}

	/**
	 * Renames the process before it starts.
	 * @throws IllegalStateException once started
	 */
	public final void setName(String name) {
		synchronized (this) {
			requireNotStarted("rename");
			this.name = name;
		}
	}

	/**
	 * A daemon process is terminated when its template closes, instead of being waited for.
	 */
	public final boolean isDaemon() {
		return this.daemon;
	}

	/**
	 * Sets the daemon flag before the process starts.
	 * @throws IllegalStateException once started, as Python raises
	 */
	public final void setDaemon(boolean daemon) {
		synchronized (this) {
			requireNotStarted("set daemon on");
			this.daemon = daemon;
		}
	}

	/**
	 * The child's operating-system pid.
	 * @throws IllegalStateException if not started, or closed
	 */
	public final long pid() {
		return started("read the pid of").pid();
	}

	/**
	 * Empty until the child exits; then its exit code, negative for the signal that ended it.
	 * @throws IllegalStateException if the process was closed
	 */
	public final OptionalInt exitCode() {
		requireNotClosed("read the exit code of");
		ChildJvm started = this.child;
		return (started != null) ? started.exitCode() : OptionalInt.empty();
	}

	/** Where the process is in its life. */
	public final ProcessState state() {
		ChildJvm started = this.child;
		return (started != null) ? started.state() : ProcessState.NEW;
	}

	/** When the child JVM was started, or {@code null} before. */
	public final @Nullable Instant startTime() {
		ChildJvm started = this.child;
		return (started != null) ? started.startTime() : null;
	}

	/**
	 * Completes with this process when the child has exited (Python's {@code sentinel}, as a future).
	 * @throws IllegalStateException if not started, or closed
	 */
	public final CompletableFuture<ManagedProcess> onExit() {
		return started("wait for").onExit().thenApply((c) -> this);
	}

	private ChildJvm started(String action) {
		requireNotClosed(action);
		ChildJvm started = this.child;
		if (started == null) {
			throw new IllegalStateException("Cannot " + action + " process '" + this.name + "': it was not started");
		}
		return started;
	}

	private void requireNotClosed(String action) {
		if (this.closed) {
			throw new IllegalStateException("Cannot " + action + " process '" + this.name + "': it was closed");
		}
	}

	private void requireNotStarted(String action) {
		if (this.child != null) {
			throw new IllegalStateException("Cannot " + action + " process '" + this.name + "': it was already started");
		}
	}

	@Override
	public String toString() {
		ChildJvm started = this.child;
		return getClass().getSimpleName() + "[" + this.name + ((started != null) ? ", pid " + started.pid() : "")
				+ ", " + state() + (isDaemon() ? ", daemon" : "") + "]";
	}

}

package dev.mp.internal.parent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.mp.ChildProcessException;
import dev.mp.ProcessStartException;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.server.ExpectedWorker;
import dev.mp.internal.server.TlsDoor;
import dev.mp.internal.server.WorkerServer;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.Handshake;
import dev.mp.spi.WorkerExit;

/**
 * The start of one {@link ChildJvm}: the secret it must prove, the start timeout, and the socket it proves the secret
 * on, or why it never will. This is all that the {@link WorkerServer} (and its {@link TlsDoor}) see of a child.
 */
final class ChildStart implements ExpectedWorker {

	private final ChildJvm child;

	private final Duration timeout;

	/** The secret the child must prove, its own: another worker's secret proves nothing here. */
	private final byte[] secret = Handshake.randomBytes();

	/** The socket once the child has proved its secret; failed with the reason it never will. */
	private final CompletableFuture<FrameChannel> ready = new CompletableFuture<>();

	ChildStart(ChildJvm child, Duration timeout) {
		this.child = child;
		this.timeout = timeout;
	}

	@Override
	public byte[] secret() {
		return this.secret;
	}

	/** The socket once the child has proved its secret; failed with the reason it never will. */
	CompletableFuture<FrameChannel> ready() {
		return this.ready;
	}

	/** Completes when the child has connected, or fails with the reason it never will. */
	CompletableFuture<Void> whenReady() {
		return this.ready.thenApply((channel) -> null);
	}

	/** Once the child is launched: it is killed unless it proves its secret within the start timeout. */
	void startTimeout(ScheduledExecutorService scheduler) {
		ScheduledFuture<?> deadline = scheduler.schedule(this::checkStarted, this.timeout.toMillis(),
				TimeUnit.MILLISECONDS);
		this.ready.whenComplete((channel, failure) -> deadline.cancel(false));
	}

	private void checkStarted() {
		failAndKill(new ProcessStartException(
				"Child JVM did not complete its handshake within " + this.timeout
						+ " (raise the start timeout if it is just slow); it was killed",
				this.child.name(), this.child.pid(), this.child.command(), null, this.child.tail().lines(), null));
	}

	@Override
	public void connected(FrameChannel channel) {
		try {
			this.child.connected(channel);
		}
		catch (Throwable ex) {
			// such as OutOfMemoryError: unable to create native thread
			connectionFailed(ex);
			return;
		}
		if (!this.ready.complete(channel)) {
			// the reader ends on the closed channel
			ChildConnection.closeQuietly(channel);
		}
	}

	/** The child fails to start now rather than when its start times out. */
	@Override
	public void connectionFailed(Throwable cause) {
		failAndKill(new ProcessStartException(
				"Child JVM proved its secret but the parent could not take its connection: " + cause,
				this.child.name(), this.child.pid(), this.child.command(), null, this.child.tail().lines(), cause));
	}

	private void failAndKill(ProcessStartException failure) {
		if (this.ready.completeExceptionally(failure)) {
			// not through kill(): this is a start failure, not a stop the caller asked for
			this.child.killForFailure();
		}
	}

	/** The child could not be launched at all. */
	void launchFailed(ProcessStartException failure) {
		this.ready.completeExceptionally(failure);
	}

	/** The child's exit has been seen: if it never became ready, that is why. */
	void exited() {
		this.ready.completeExceptionally(exitedBeforeReady());
	}

	/**
	 * What fails a call made once the exit has been seen: that the child died, or, if it never became ready, why not
	 * (the same failure {@link #ready()} is about to get, while the exit is still being processed).
	 */
	ChildProcessException exitedFailure() {
		return (this.ready.isDone() && !this.ready.isCompletedExceptionally()) ? this.child.died()
				: exitedBeforeReady();
	}

	private ProcessStartException exitedBeforeReady() {
		WorkerExit end = this.child.exit();
		String reason = (end != null) ? end.reason() : null;
		return new ProcessStartException(
				"Child JVM exited before it was ready" + ((reason != null) ? " (" + reason + ")" : ""),
				this.child.name(), this.child.pid(), this.child.command(), (end != null) ? end.exitCode() : null,
				this.child.tail().lines(), null);
	}

	/** The failure that kept the child from becoming ready, or {@code null} (also if it was stopped on purpose). */
	@Nullable public ProcessStartException startFailure() {
		if (this.child.isStopping() || !this.ready.isCompletedExceptionally()) {
			return null;
		}
		try {
			this.ready.join();
			return null;
		}
		catch (RuntimeException ex) {
			Throwable cause = ChildCall.unwrap(ex);
			return (cause instanceof ProcessStartException start) ? start : null;
		}
	}

}

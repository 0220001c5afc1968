package dev.mp.spi;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.launch.LocalWorkerLauncher;

/**
 * How a pool's workers are started, and how the facts of their exit become known: as local child JVMs
 * ({@link LocalWorkerLauncher}, the default) or elsewhere, such as Kubernetes pods. Whatever the launcher, a worker
 * connects back to the parent and proves its secret with the same HMAC handshake, and speaks the same frames.
 * <p>
 * A local worker reads its bootstrap block from stdin, which then carries cancels and whose end of file tells it that
 * the parent is gone. A {@linkplain #remoteAccess() remote} worker has no such pipe: it reads its bootstrap from files
 * ({@link dev.mp.internal.worker.RemoteBootstrap}), connects over TCP with TLS, takes cancels as frames, and exits when the
 * connection has been silent for its grace period.
 */
public interface WorkerLauncher extends AutoCloseable {

	/** The name pools choose this launcher by ({@code local}, {@code kubernetes}). */
	String name();

	/**
	 * Where the parent listens for this launcher's workers over TCP with TLS, or {@code null} for workers on this
	 * machine, which connect to the parent's Unix socket. The parent opens its TLS listener only when a launcher that
	 * answers here starts a worker.
	 */
	default @Nullable RemoteAccess remoteAccess() {
		return null;
	}

	/**
	 * Starts one worker and returns once it exists (created, not ready: the handshake completes later).
	 * @throws IOException if the worker cannot be created at all
	 */
	LaunchedWorker launch(WorkerLaunch launch) throws IOException;

	/** Releases what the launcher holds (for pods: the pods and Secrets still there, the informer). */
	@Override
	default void close() {
	}

}

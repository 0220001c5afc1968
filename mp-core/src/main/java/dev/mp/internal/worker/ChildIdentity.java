package dev.mp.internal.worker;

import java.util.Optional;

/**
 * Who this JVM is when mp started it: set by the child runtime before the bootstrap mode starts and before any call
 * runs. Users read it through {@link dev.mp.CurrentProcess}. Only the name and the parent are kept, never the rest of
 * the bootstrap (its secret).
 */
public final class ChildIdentity {

	private static volatile String name;

	private static volatile Optional<ProcessHandle> parent = Optional.empty();

	private ChildIdentity() {
	}

	static void set(BootstrapConfig bootstrap) {
		// the handle is taken once, as the parent watch does: a pid looked up later could be another process's
		parent = (bootstrap.parentPid() > 0) ? ProcessHandle.of(bootstrap.parentPid()) : Optional.empty();
		name = bootstrap.name();
	}

	/** The name the parent gave this JVM, or {@code null} if mp did not start it. */
	public static String name() {
		return name;
	}

	/** The parent when it runs on this machine and was alive as this JVM started; empty elsewhere. */
	public static Optional<ProcessHandle> parent() {
		return parent;
	}

}

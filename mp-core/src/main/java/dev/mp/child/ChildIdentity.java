package dev.mp.child;

/**
 * Who this JVM is when mp started it: set by the child runtime before the bootstrap mode starts and before any call
 * runs. Users read it through {@link dev.mp.CurrentProcess}.
 */
public final class ChildIdentity {

	private static volatile BootstrapConfig config;

	private ChildIdentity() {
	}

	static void set(BootstrapConfig bootstrap) {
		config = bootstrap;
	}

	/** The name the parent gave this JVM, or {@code null} if mp did not start it. */
	public static String name() {
		BootstrapConfig current = config;
		return (current != null) ? current.name() : null;
	}

	/** The parent's pid when it runs on this machine, else {@code -1} (mp did not start this JVM, or it is a pod). */
	public static long parentPid() {
		BootstrapConfig current = config;
		return (current != null) ? current.parentPid() : -1;
	}

}

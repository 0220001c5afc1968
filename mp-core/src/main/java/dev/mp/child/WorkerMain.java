package dev.mp.child;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * The child JVM's main class. Reads its bootstrap block from stdin, then keeps stdin open as a lifeline: end of file
 * there means the parent is gone (even after {@code kill -9}), and the child exits with it. The parent also sends
 * cancels there.
 */
public final class WorkerMain {

	/** Exit code when the bootstrap block on stdin is missing or corrupt. */
	public static final int EXIT_BAD_BOOTSTRAP = 70;

	/** Exit code when the chosen bootstrap mode fails to start (its stack trace is on stderr). */
	public static final int EXIT_BOOTSTRAP_FAILED = 71;

	/** Exit code when the parent could not be reached or refused the handshake. */
	public static final int EXIT_NO_PARENT = 72;

	/**
	 * System property of a training child (see {@code ClassDataArchives}): it starts its bootstrap mode like a worker,
	 * then exits 0 at once, so that {@code -XX:ArchiveClassesAtExit} records the classes a worker loads.
	 */
	public static final String TRAIN_PROPERTY = "mp.worker.train";

	private WorkerMain() {
	}

	public static void main(String[] args) {
		// an interruptible channel, so the watch can be stopped at exit (see ParentWatch); user code reading System.in
		// must not eat the lifeline
		FileChannel lifeline = new FileInputStream(FileDescriptor.in).getChannel();
		System.setIn(new ByteArrayInputStream(new byte[0]));
		BootstrapConfig config;
		try {
			config = BootstrapConfig.read(new DataInputStream(Channels.newInputStream(lifeline)));
		}
		catch (IOException ex) {
			System.err.println("mp worker: cannot read the bootstrap block from stdin: " + ex.getMessage());
			System.exit(EXIT_BAD_BOOTSTRAP);
			return;
		}
		ChildRuntime runtime = new ChildRuntime(config);
		runtime.run(ParentWatch.start(lifeline, config.parentPid(), runtime::cancel));
	}

}

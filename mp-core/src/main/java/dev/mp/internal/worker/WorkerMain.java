package dev.mp.internal.worker;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

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
	 * Exit code when the worker could not answer a call at all, or a thread it needs failed; it halts so that the
	 * call fails at once (the reason is on stderr).
	 */
	public static final int EXIT_CANNOT_ANSWER = 73;

	/** Exit code when the worker lacks the codec its parent names, or has another build of it (see stderr). */
	public static final int EXIT_NO_CODEC = 74;

	/**
	 * System property of a training child (see {@code ClassDataArchives}), naming a directory its parent made for it and
	 * deletes after it: the child runs as a worker, but against a parent that one of its threads plays on a socket in
	 * that directory (see {@code Rehearsal}) and that shuts it down with exit code 0 after a few calls, so that the
	 * archive it records at exit ({@code -XX:ArchiveClassesAtExit}, {@code -XX:AOTCacheOutput}) holds the classes a
	 * worker loads.
	 */
	public static final String TRAIN_PROPERTY = "mp.worker.train";

	private WorkerMain() {
	}

	public static void main(String[] args) {
		CompletableFuture<Runnable> afterWarmUp = new CompletableFuture<>();
		warmUpSockets(afterWarmUp);
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
		String training = System.getProperty(TRAIN_PROPERTY);
		// its provider found while the runtime starts, by the thread that warms up the sockets once it is done
		WorkerCodec codec = WorkerCodec.start(config, Thread.currentThread().getContextClassLoader(),
				afterWarmUp::complete, training == null);
		// unless a look-up was handed over (not for the JDK codec), the warm-up thread ends
		afterWarmUp.complete(() -> {
		});
		if (training != null) {
			try {
				config = Rehearsal.begin(config, Path.of(training), codec.codec());
			}
			catch (IOException | RuntimeException ex) {
				// never the bootstrap block's socket: that is the real parent's, which expects no training child
				System.err.println("mp training: cannot make the rehearsal's socket in " + training + ": " + ex);
				System.exit(EXIT_NO_PARENT);
				return;
			}
		}
		ChildRuntime runtime = new ChildRuntime(config, codec);
		runtime.run(ParentWatch.start(lifeline, config.parentPid(), runtime::cancel));
	}

	/**
	 * The first Unix-domain socket of a JVM is slow, about 20 to 40 ms before the connect itself on Java 17 and 25:
	 * the selector provider is looked up as a service, which opens every jar of the class path, and the socket
	 * support seeds a {@code SecureRandom} (it reads the JDK's security configuration and loads its provider). The
	 * first is not needed: the provider is always the JDK's own, so this names it (unless the property is set or this
	 * JDK lacks the class). The second cannot be skipped, so it runs on a thread of its own while the main thread reads
	 * its bootstrap block and starts its bootstrap mode; the connect then finds the classes initialized.
	 * @param next what the thread runs then, once handed over: the look-up of the codec's provider (see
	 * {@link WorkerCodec}), which so competes with the main thread for the cores no more than the warm-up did
	 */
	private static void warmUpSockets(CompletableFuture<Runnable> next) {
		String property = "java.nio.channels.spi.SelectorProvider";
		String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
		String provider = os.contains("linux") ? "sun.nio.ch.EPollSelectorProvider"
				: os.contains("mac") ? "sun.nio.ch.KQueueSelectorProvider" : null;
		if (provider != null && System.getProperty(property) == null) {
			try {
				Class.forName(provider, false, null);
				System.setProperty(property, provider);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				// another JDK: it looks the provider up itself
			}
		}
		Thread warmUp = new Thread(() -> {
			try {
				java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
			}
			catch (IOException | RuntimeException ex) {
				// the connect reports what is wrong
			}
			finally {
				// whatever the warm-up met, the hand-over runs: the runtime waits for the codec's look-up
				next.join().run();
			}
		}, "mp-warm-up");
		warmUp.setDaemon(true);
		warmUp.start();
	}

}

package dev.mp.internal.launch;

import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.ProcessOptions;
import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.WorkerExit;
import dev.mp.spi.WorkerLaunch;
import dev.mp.spi.WorkerLauncher;

/**
 * Starts workers as child JVMs of this one: the bootstrap block goes to the child's stdin, which then stays open to
 * carry cancels and, by its end of file, the news that the parent is gone. Output is drained into SLF4J. A child runs
 * at its {@link ProcessOptions#niceness()} and is the kernel's choice under memory pressure before this JVM
 * ({@link ProcessOptions#oomScoreAdjustment()}).
 */
public final class LocalWorkerLauncher implements WorkerLauncher {

	private static final Logger logger = LoggerFactory.getLogger(LocalWorkerLauncher.class);

	/** The launcher's name, and the default launcher of every pool. */
	public static final String NAME = "local";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public LaunchedWorker launch(WorkerLaunch launch) throws IOException {
		List<String> command = niced(launch.command(), launch.options().niceness(),
				Objects.requireNonNullElse(System.getenv("PATH"), ""));
		ProcessBuilder builder = new ProcessBuilder(command);
		if (launch.options().workingDirectory() != null) {
			builder.directory(launch.options().workingDirectory().toFile());
		}
		builder.environment().putAll(launch.options().environment());
		if (launch.options().memoryFlags()) {
			MemoryFlags.addEnvironment(builder.environment());
		}
		Process process = ProcessStarts.start(builder);
		raiseOomScoreAdjustment(process.pid(), launch.options().oomScoreAdjustment());
		return new LocalWorker(process, command, launch);
	}

	/**
	 * Through {@code nice}, which sets the niceness and then executes java in its own process: the pid stays the one
	 * the {@link Process} knows, and every thread of the JVM inherits the niceness from its first. (A renice after the
	 * start would come too late: Linux keeps a niceness per thread, and the JVM has started its threads by then.)
	 */
	static List<String> niced(List<String> command, int niceness, String searchPath) throws IOException {
		if (niceness == 0) {
			return command;
		}
		// looked up here so that a missing command says which setting needs it, not just "Cannot run program"
		Path nice = Stream.of(searchPath.split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.map((directory) -> Path.of(directory, "nice"))
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(() -> new IOException("Cannot start a worker at niceness " + niceness
					+ ": there is no 'nice' command on the PATH (" + searchPath + "). Install it (coreutils), or set "
					+ "mp.worker.nice / mp.pools.<name>.nice (ProcessOptions.niceness) to 0"));
		List<String> niced = new ArrayList<>(List.of(nice.toString(), "-n", Integer.toString(niceness)));
		niced.addAll(command);
		return List.copyOf(niced);
	}

	/**
	 * Raising needs no privilege, so only a child already at least as high is left alone; whatever the child starts
	 * inherits the value. At worst the child is not ranked first under memory pressure: never a reason to fail it.
	 */
	private static void raiseOomScoreAdjustment(long pid, int adjustment) {
		Path file = Path.of("/proc", Long.toString(pid), "oom_score_adj");
		try {
			if (Integer.parseInt(Files.readString(file).strip()) < adjustment) {
				Files.writeString(file, Integer.toString(adjustment));
			}
		}
		catch (NoSuchFileException ex) {
			// not Linux, or the child has exited already
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot raise the OOM score adjustment of child {} to {}: {}", pid, adjustment, ex.toString());
		}
	}

	/**
	 * Descendants first, so that none is re-parented and left behind; through ProcessHandle, because
	 * Process.destroy() also closes the child's stdin, which the child reads as its parent's death.
	 * <p>
	 * Only while the child lives: once it is reaped its pid may be another process's, and the JDK lists the
	 * descendants of whoever holds the pid now. A child that is still alive after its descendants were listed had not
	 * been reaped while they were, so they were its own; each handle then carries its start time, which the JDK checks
	 * before it signals.
	 */
	static void signalTree(Process process, boolean forcibly) {
		if (!process.isAlive()) {
			return;
		}
		List<ProcessHandle> descendants = process.descendants().toList();
		if (!process.isAlive()) {
			return;
		}
		descendants.forEach((child) -> signal(child, forcibly));
		signal(process.toHandle(), forcibly);
	}

	private static void signal(ProcessHandle process, boolean forcibly) {
		if (forcibly) {
			process.destroyForcibly();
		}
		else {
			process.destroy();
		}
	}

	private static final class LocalWorker implements LaunchedWorker {

		private final Process process;

		private final List<String> command;

		private final OutputPump stdout;

		private final OutputPump stderr;

		/** The child's stdin, after its bootstrap block: where cancels go. */
		private final DataOutputStream control;

		LocalWorker(Process process, List<String> command, WorkerLaunch launch) {
			this.process = process;
			this.command = command;
			long pid = process.pid();
			this.stdout = new OutputPump(process.getInputStream(), launch.logger(), launch.name(), pid, false,
					launch.tail()).start();
			this.stderr = new OutputPump(process.getErrorStream(), launch.logger(), launch.name(), pid, true,
					launch.tail()).start();
			this.control = new DataOutputStream(process.getOutputStream());
			try {
				launch.bootstrap().writeTo(this.control);
				// stdin stays open: it carries cancels, and its end of file tells the child that this JVM is gone
			}
			catch (IOException ex) {
				// the child died before reading its bootstrap; its exit tells why
			}
		}

		@Override
		public long pid() {
			return this.process.pid();
		}

		@Override
		public List<String> command() {
			return this.command;
		}

		@Override
		public CompletableFuture<WorkerExit> onExit() {
			return this.process.onExit().thenApply((exited) -> WorkerExit.ofExitValue(exited.exitValue()));
		}

		@Override
		public void awaitOutput(long millis) throws InterruptedException {
			this.stdout.awaitEnd(millis);
			this.stderr.awaitEnd(millis);
		}

		@Override
		public void terminate() {
			signalTree(this.process, false);
		}

		@Override
		public void kill() {
			signalTree(this.process, true);
		}

		/** The cancel goes on stdin, which the child watches on a thread of its own while the call runs. */
		@Override
		public boolean cancel(long callId) {
			synchronized (this.control) {
				try {
					this.control.writeLong(callId);
					this.control.flush();
				}
				catch (IOException ex) {
					// the child is going away; its exit fails the call with the facts
				}
			}
			return true;
		}

		@Override
		public Optional<Duration> cpuTime() {
			return this.process.toHandle().info().totalCpuDuration();
		}

		@Override
		public OptionalLong residentMemoryBytes() {
			return ResidentMemory.of(this.process.pid());
		}

	}

}

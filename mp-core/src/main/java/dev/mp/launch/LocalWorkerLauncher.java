package dev.mp.launch;

import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Starts workers as child JVMs of this one: the bootstrap block goes to the child's stdin, which then stays open to
 * carry cancels and, by its end of file, the news that the parent is gone. Output is drained into SLF4J.
 */
public final class LocalWorkerLauncher implements WorkerLauncher {

	/** The launcher's name, and the default launcher of every pool. */
	public static final String NAME = "local";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public LaunchedWorker launch(WorkerLaunch launch) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(launch.command());
		if (launch.options().workingDirectory() != null) {
			builder.directory(launch.options().workingDirectory().toFile());
		}
		builder.environment().putAll(launch.options().environment());
		Process process = builder.start();
		return new LocalWorker(process, launch);
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

		LocalWorker(Process process, WorkerLaunch launch) {
			this.process = process;
			this.command = launch.command();
			long pid = process.pid();
			this.stdout = new OutputPump(process.getInputStream(), launch.logger(), launch.name(), pid, false,
					launch.tail()).start();
			this.stderr = new OutputPump(process.getErrorStream(), launch.logger(), launch.name(), pid, true,
					launch.tail()).start();
			this.control = new DataOutputStream(process.getOutputStream());
			try {
				launch.bootstrap().write(this.control);
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

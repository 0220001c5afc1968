package dev.mp.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/**
 * Makes the kernel give a freed pid to a new process, by writing the pid before it to
 * {@code /proc/sys/kernel/ns_last_pid} (root only). Other processes and threads may take the pid first, so it tries a
 * few times.
 */
public final class PidReuse {

	private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

	private PidReuse() {
	}

	/**
	 * Starts {@code sh -c 'sleep 600 & wait'} with the given pid: a bystander that is no child of mp's and has a child
	 * of its own. Empty where the pid cannot be steered here.
	 */
	public static Optional<Bystander> bystanderWithPid(long pid) throws IOException, InterruptedException {
		for (int attempt = 0; attempt < 50; attempt++) {
			try {
				Files.writeString(LAST_PID, Long.toString(pid - 1));
			}
			catch (IOException | SecurityException ex) {
				return Optional.empty();
			}
			Process process = new ProcessBuilder("sh", "-c", "sleep 600 & wait").start();
			if (process.pid() == pid) {
				ProcessHandle child = await().atMost(Duration.ofSeconds(10))
					.until(() -> process.children().findFirst().orElse(null), (found) -> found != null);
				return Optional.of(new Bystander(process, child));
			}
			process.destroyForcibly();
			process.waitFor();
		}
		return Optional.empty();
	}

	/**
	 * A process that took a freed pid, and its child.
	 * @param process the shell
	 * @param child its sleep
	 */
	public record Bystander(Process process, ProcessHandle child) implements AutoCloseable {

		public List<ProcessHandle> both() {
			return List.of(this.process.toHandle(), this.child);
		}

		public boolean bothAlive() {
			return this.process.isAlive() && this.child.isAlive();
		}

		@Override
		public void close() throws InterruptedException {
			this.child.destroyForcibly();
			this.process.destroyForcibly();
			this.process.waitFor();
			this.child.onExit().join();
		}

	}

}

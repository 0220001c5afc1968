package dev.mp.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
	 * Starts a {@link Bystander} with the given pid. Empty where the pid cannot be steered here.
	 */
	public static Optional<Bystander> bystanderWithPid(long pid) throws IOException, InterruptedException {
		for (int attempt = 0; attempt < 50; attempt++) {
			try {
				Files.writeString(LAST_PID, Long.toString(pid - 1));
			}
			catch (IOException | SecurityException ex) {
				return Optional.empty();
			}
			Bystander bystander = Bystander.start();
			if (bystander.process().pid() == pid) {
				return Optional.of(bystander);
			}
			bystander.close();
		}
		return Optional.empty();
	}

	/**
	 * {@code sh -c 'sleep 600 & wait'}: a process that is no child of mp's and has a child of its own.
	 * @param process the shell
	 * @param child its sleep
	 */
	public record Bystander(Process process, ProcessHandle child) implements AutoCloseable {

		public static Bystander start() throws IOException {
			Process process = new ProcessBuilder("sh", "-c", "sleep 600 & wait").start();
			ProcessHandle child = await().atMost(Duration.ofSeconds(10))
				.until(() -> process.children().findFirst().orElse(null), (found) -> found != null);
			return new Bystander(process, child);
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

package dev.mp.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Starts a plain {@code java} main from the test class path, as a user's own application would run, and reads its
 * output line by line.
 */
public final class JavaProcesses {

	private JavaProcesses() {
	}

	/**
	 * Whether a process has ended. An orphan (its parent killed) that has exited stays a zombie until the system's
	 * init reaps it, and {@link ProcessHandle#isAlive()} counts a zombie as alive: in some containers init reaps only
	 * every couple of seconds. On Linux, a zombie has state {@code Z} in {@code /proc/<pid>/stat}.
	 */
	public static boolean hasExited(long pid) {
		if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
			return true;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// pid (comm) state ...: the command may contain spaces and parentheses, the state follows the last ')'
			return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
		}
		catch (IOException | RuntimeException ex) {
			// gone meanwhile, or no /proc (macOS): isAlive() has answered
			return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
		}
	}

	public static Started start(Class<?> mainClass, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		return new Started(process);
	}

	/** A started JVM whose output lines can be awaited. */
	public static final class Started {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		Started(Process process) {
			this.process = process;
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						System.out.println("[" + process.pid() + "] " + line);
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the process ended
				}
			}, "test-output-" + process.pid());
			reader.setDaemon(true);
			reader.start();
		}

		public Process process() {
			return this.process;
		}

		/** Waits for a line containing the marker and returns what follows it. */
		public String awaitLineContaining(String marker, long seconds) throws InterruptedException {
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			while (System.nanoTime() < end) {
				String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line != null && line.contains(marker)) {
					return line.substring(line.indexOf(marker) + marker.length()).trim();
				}
			}
			throw new AssertionError("No line containing '" + marker + "' within " + seconds + " s");
		}

		/** Waits for a line starting with the prefix and returns the rest of it. */
		public String awaitLine(String prefix, long seconds) throws InterruptedException {
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			while (System.nanoTime() < end) {
				String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line != null && line.startsWith(prefix)) {
					return line.substring(prefix.length()).trim();
				}
			}
			throw new AssertionError("No line starting with '" + prefix + "' within " + seconds + " s");
		}

	}

}

package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as the kernel tells it apart from any later one with the same pid: pid, start time and pid namespace. A
 * pid alone is reused (threads take pids too), and means another process in another container.
 * @param pid the pid, in {@code pidNamespace}
 * @param start when it started: clock ticks since boot from {@code /proc/<pid>/stat}, or where there is no
 * {@code /proc}, epoch milliseconds prefixed with {@code t}
 * @param pidNamespace the pid namespace ({@code pid:[4026531836]}), empty where it cannot be read
 */
public record ProcessIdentity(long pid, String start, String pidNamespace) {

	private static final Path PROC = Path.of("/proc");

	private static final String NAMESPACE = readNamespace();

	private static final ProcessIdentity CURRENT = running(ProcessHandle.current().pid())
		.orElseGet(() -> new ProcessIdentity(ProcessHandle.current().pid(), "", NAMESPACE));

	/** This JVM. */
	public static ProcessIdentity current() {
		return CURRENT;
	}

	/**
	 * The process that holds this pid in this JVM's pid namespace now, if it runs: a zombie (exited, not yet reaped by
	 * its parent) does not.
	 */
	public static Optional<ProcessIdentity> running(long pid) {
		Path stat = PROC.resolve(Long.toString(pid)).resolve("stat");
		if (Files.isDirectory(PROC.resolve("self"))) {
			try {
				return fromStat(pid, Files.readString(stat));
			}
			catch (IOException ex) {
				return Optional.empty();
			}
		}
		return ProcessHandle.of(pid)
			.filter(ProcessHandle::isAlive)
			.flatMap((handle) -> handle.info().startInstant())
			.map((started) -> new ProcessIdentity(pid, "t" + started.toEpochMilli(), NAMESPACE));
	}

	/** Reads a {@code /proc/<pid>/stat} line: the state is the field after the command, the start time the 20th. */
	static Optional<ProcessIdentity> fromStat(long pid, String stat) {
		// the command, in parentheses, may itself hold spaces and parentheses: fields start after the last ')'
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
		String state = fields[0];
		if (state.equals("Z") || state.equals("X")) {
			return Optional.empty();
		}
		return Optional.of(new ProcessIdentity(pid, fields[19], NAMESPACE));
	}

	/** The line {@link #parse(String)} reads back. */
	public String format() {
		return this.pid + " " + this.start + " " + this.pidNamespace;
	}

	/** Reads what {@link #format()} wrote; empty for anything else. */
	public static Optional<ProcessIdentity> parse(String text) {
		String[] parts = text.strip().split(" ", 3);
		try {
			return (parts.length == 3) ? Optional.of(new ProcessIdentity(Long.parseLong(parts[0]), parts[1], parts[2]))
					: Optional.empty();
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/** Whether this pid means the same process in this JVM's pid namespace as in the one it was taken in. */
	public boolean inThisNamespace() {
		return this.pidNamespace.equals(NAMESPACE);
	}

	/** Whether this very process still runs: same pid, same start, same namespace, and not a zombie. */
	public boolean isRunning() {
		return inThisNamespace() && running(this.pid).filter(this::equals).isPresent();
	}

	private static String readNamespace() {
		try {
			return Files.readSymbolicLink(PROC.resolve("self/ns/pid")).toString();
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			return "";
		}
	}

}

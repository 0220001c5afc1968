package dev.mp;

import java.util.List;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.launch.ExitCodes;

/**
 * Something went wrong with a child JVM itself, not inside the user's code. Carries the facts: name, pid, command,
 * exit code (negative for a signal) and the child's last output lines.
 */
public abstract class ChildProcessException extends MpException {

	private final String processName;

	private final long pid;

	private final List<String> command;

	private final @Nullable Integer exitCode;

	private final List<String> outputTail;

	protected ChildProcessException(String what, String processName, long pid, List<String> command,
			@Nullable Integer exitCode, List<String> outputTail, @Nullable Throwable cause) {
		super(message(what, processName, pid, command, exitCode, outputTail), cause);
		this.processName = processName;
		this.pid = pid;
		this.command = List.copyOf(command);
		this.exitCode = exitCode;
		this.outputTail = List.copyOf(outputTail);
	}

	public String processName() {
		return this.processName;
	}

	/** The child's pid, or -1 if no process was created. */
	public long pid() {
		return this.pid;
	}

	/** The command the child was started with. */
	public List<String> command() {
		return this.command;
	}

	/** The exit code if the child has exited; negative when a signal ended it. */
	public OptionalInt exitCode() {
		return (this.exitCode != null) ? OptionalInt.of(this.exitCode) : OptionalInt.empty();
	}

	/** The signal that ended the child, if one did. */
	public OptionalInt signal() {
		return (this.exitCode != null && this.exitCode < 0) ? OptionalInt.of(-this.exitCode) : OptionalInt.empty();
	}

	/** The child's last lines of stderr and stdout, oldest first. */
	public List<String> outputTail() {
		return this.outputTail;
	}

	private static String message(String what, String name, long pid, List<String> command,
			@Nullable Integer exitCode, List<String> tail) {
		StringBuilder message = new StringBuilder(what);
		message.append(" [process '").append(name).append("'");
		if (pid > 0) {
			message.append(", pid ").append(pid);
		}
		if (exitCode != null) {
			message.append(", ").append(ExitCodes.describe(exitCode));
		}
		message.append("]\n  command: ").append(String.join(" ", command));
		if (!tail.isEmpty()) {
			message.append("\n  last output:");
			for (String line : tail) {
				message.append("\n    | ").append(line);
			}
		}
		return message.toString();
	}

}

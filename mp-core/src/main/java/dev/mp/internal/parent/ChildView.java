package dev.mp.internal.parent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

import dev.mp.ChildProcess;
import dev.mp.JvmFacts;
import dev.mp.ProcessDiedException;
import dev.mp.ProcessOptions;
import dev.mp.ProcessOutOfMemoryException;
import dev.mp.internal.launch.ExitCodes;
import dev.mp.internal.launch.WorkerCommand;
import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.OutputTail;
import dev.mp.spi.WorkerExit;

/**
 * A child JVM as a read-only {@link ChildProcess}: what it is (its role, options and command), and the facts of its run
 * that its {@link ChildJvm} records as they happen (the launched worker, when it started and exited, how it exited),
 * with what they mean (its exit reason, and the exception for the calls it did not answer). What depends on its
 * lifecycle or its calls (its state, whether it is alive, its exit future) is its {@code ChildJvm}'s.
 */
abstract class ChildView implements ChildProcess {

	private static final int TAIL_LINES = 40;

	final String id;

	final ChildRole role;

	final ProcessOptions options;

	final WorkerCommand command;

	final OutputTail tail = new OutputTail(TAIL_LINES);

	/** The launched worker, once it is: this and the facts below are recorded by its {@link ChildJvm}. */
	volatile LaunchedWorker worker;

	volatile Instant startTime;

	volatile Instant exitTime;

	volatile Integer exitCode;

	volatile WorkerExit exit;

	/** What the child's JVM last told about itself, or {@code null} before it has; set by its connection's reader. */
	volatile @Nullable JvmFacts jvm;

	ChildView(String id, ChildRole role, ProcessOptions options, WorkerCommand command) {
		this.id = id;
		this.role = role;
		this.options = options;
		this.command = command;
	}

	/** One logger per pool or name prefix, not per child: loggers are cached for the life of the JVM. */
	String loggerName() {
		return (this.role.pool() != null) ? this.role.pool() : name().replaceFirst("-\\d+$", "");
	}

	/** What fails a call the child did not answer before it exited. */
	ProcessDiedException died() {
		String what = "Child JVM exited before it answered a call to " + description();
		int code = (this.exitCode != null) ? this.exitCode : 0;
		WorkerExit end = this.exit;
		if (end != null && end.outOfMemory()) {
			return new ProcessOutOfMemoryException(what + " (killed for exceeding its memory limit"
					+ ((end.reason() != null) ? ": " + end.reason() : "") + ")", name(), pid(), command(), code,
					this.tail.lines());
		}
		if (end != null && end.reason() != null) {
			what += " (" + end.reason() + ")";
		}
		return new ProcessDiedException(what, name(), pid(), command(), code, this.tail.lines());
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String name() {
		return this.role.name();
	}

	@Override
	public long pid() {
		LaunchedWorker started = this.worker;
		return (started != null) ? started.pid() : -1;
	}

	@Override
	public boolean isDaemon() {
		return this.role.daemon();
	}

	@Override
	public String pool() {
		return this.role.pool();
	}

	@Override
	public OptionalInt exitCode() {
		Integer code = this.exitCode;
		return (code != null) ? OptionalInt.of(code) : OptionalInt.empty();
	}

	@Override
	public Instant startTime() {
		return this.startTime;
	}

	@Override
	public Instant exitTime() {
		return this.exitTime;
	}

	@Override
	public Optional<String> exitReason() {
		Integer code = this.exitCode;
		WorkerExit end = this.exit;
		String reason = (end != null) ? end.reason() : null;
		if (code == null) {
			return Optional.ofNullable(reason);
		}
		return Optional.of(ExitCodes.describe(code) + ((reason != null) ? " (" + reason + ")" : ""));
	}

	@Override
	public Optional<Duration> cpuTime() {
		LaunchedWorker started = this.worker;
		return (started != null && isAlive()) ? started.cpuTime() : Optional.empty();
	}

	@Override
	public OptionalLong residentMemoryBytes() {
		LaunchedWorker started = this.worker;
		return (started != null && isAlive()) ? started.residentMemoryBytes() : OptionalLong.empty();
	}

	@Override
	public String launcher() {
		return this.role.launcher().name();
	}

	@Override
	public Map<String, String> details() {
		LaunchedWorker started = this.worker;
		return (started != null) ? started.details() : Map.of();
	}

	@Override
	public Optional<JvmFacts> jvm() {
		JvmFacts facts = this.jvm;
		return (facts != null && isAlive()) ? Optional.of(facts) : Optional.empty();
	}

	@Override
	public List<String> outputTail() {
		return this.tail.lines();
	}

	@Override
	public String description() {
		return this.role.description();
	}

	@Override
	public String bootstrapMode() {
		return this.options.bootstrapMode();
	}

	/** The command the child runs: its launcher's (a pod's differs from a local JVM's), or the local one. */
	public List<String> command() {
		LaunchedWorker started = this.worker;
		return (started != null) ? started.command() : this.command.command();
	}

	/** How it exited, once that has been seen; {@code null} before. */
	@Nullable WorkerExit exit() {
		return this.exit;
	}

	/** The last lines of its output, which its exceptions carry. */
	OutputTail tail() {
		return this.tail;
	}

}

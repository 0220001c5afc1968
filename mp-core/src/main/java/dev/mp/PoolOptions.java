package dev.mp;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.launch.LocalWorkerLauncher;

/**
 * How a {@link ProcessPool} runs: how many workers, how many kept warm, how long they live, how long a task may take,
 * how many tasks may wait. Immutable; derive variants with {@link #toBuilder()}.
 */
public final class PoolOptions {

	private final int size;

	private final int minIdle;

	private final int maxTasksPerWorker;

	private final @Nullable Duration idleTimeout;

	private final @Nullable Duration taskTimeout;

	private final Duration cancelGrace;

	private final int maxQueued;

	private final QueueFullPolicy queueFullPolicy;

	private final @Nullable SerializableRunnable initializer;

	private final int maxStartFailures;

	private final Duration startFailurePeriod;

	private final Duration spinWait;

	private final ProcessOptions processOptions;

	private final String launcher;

	private PoolOptions(Builder builder) {
		if (builder.size < 1) {
			throw new IllegalArgumentException("A pool needs at least one worker, not " + builder.size);
		}
		this.size = builder.size;
		this.minIdle = Math.min(Math.max(0, builder.minIdle), builder.size);
		this.maxTasksPerWorker = builder.maxTasksPerWorker;
		this.idleTimeout = builder.idleTimeout;
		this.taskTimeout = builder.taskTimeout;
		this.cancelGrace = builder.cancelGrace;
		if (builder.maxQueued < 0) {
			throw new IllegalArgumentException("maxQueued must not be negative, not " + builder.maxQueued);
		}
		this.maxQueued = builder.maxQueued;
		this.queueFullPolicy = builder.queueFullPolicy;
		this.initializer = builder.initializer;
		this.processOptions = builder.processOptions;
		this.maxStartFailures = builder.maxStartFailures;
		this.startFailurePeriod = builder.startFailurePeriod;
		if (builder.spinWait.isNegative()) {
			throw new IllegalArgumentException("spinWait must not be negative, not " + builder.spinWait);
		}
		this.spinWait = builder.spinWait;
		this.launcher = builder.launcher;
	}

	/** A builder starting from the defaults: as many workers as cores, one kept warm, no limits. */
	public static Builder builder() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Most workers alive at once; at most one task runs in each. */
	public int size() {
		return this.size;
	}

	/** Workers started ahead of need and kept ready, even when idle. */
	public int minIdle() {
		return this.minIdle;
	}

	/** Tasks a worker runs before it is replaced by a fresh one (Python's {@code maxtasksperchild}); 0 = no limit. */
	public int maxTasksPerWorker() {
		return this.maxTasksPerWorker;
	}

	/** How long a worker beyond {@link #minIdle()} may sit idle before it exits; {@code null} = forever. */
	public @Nullable Duration idleTimeout() {
		return this.idleTimeout;
	}

	/** How long one task may run before its worker is killed and the task fails; {@code null} = no limit. */
	public @Nullable Duration taskTimeout() {
		return this.taskTimeout;
	}

	/** After a task is cancelled and interrupted, how long its worker has to answer before it is killed. */
	public Duration cancelGrace() {
		return this.cancelGrace;
	}

	/**
	 * Most tasks that may wait for a busy worker; 0 = no bound. Beyond it a task is rejected or its caller waits, as
	 * {@link #queueFullPolicy()} says. Tasks waiting for a worker that is still starting do not count: a cold pool
	 * takes a burst as large as its size.
	 */
	public int maxQueued() {
		return this.maxQueued;
	}

	/** What a task submitted beyond {@link #maxQueued()} meets: rejection at once (the default), or a wait for room. */
	public QueueFullPolicy queueFullPolicy() {
		return this.queueFullPolicy;
	}

	/** Runs once in each new worker before its first task (Python's {@code initializer}); may be {@code null}. */
	public @Nullable SerializableRunnable initializer() {
		return this.initializer;
	}

	/** How the pool's worker JVMs are started. */
	public ProcessOptions processOptions() {
		return this.processOptions;
	}

	/**
	 * How many workers may fail to start within {@link #startFailurePeriod()} before the pool stops starting them
	 * and fails tasks at once with the reason (a restart storm, as a supervisor's restart intensity bounds it).
	 */
	public int maxStartFailures() {
		return this.maxStartFailures;
	}

	/** The window {@link #maxStartFailures()} counts in; after it has passed without a failure, starts resume. */
	public Duration startFailurePeriod() {
		return this.startFailurePeriod;
	}

	/**
	 * How long a worker that has just answered keeps looking for its next call, and a caller blocked on a task's
	 * {@code get()} or {@code join()} looks for the answer, before they sleep. A call that starts or ends within it
	 * passes through shared memory, without a system call or a thread wake-up: back-to-back calls take a fraction
	 * of a socket round trip. The look costs a core for that long; {@link Duration#ZERO} turns it off, and every
	 * call goes over the socket. Only workers of the local launcher share memory with this JVM; others ignore it.
	 */
	public Duration spinWait() {
		return this.spinWait;
	}

	/**
	 * The name of the {@link dev.mp.spi.WorkerLauncher} that starts the pool's workers: {@code local} (child JVMs
	 * of this one, the default) or one registered with {@link ProcessTemplate.Builder#launcher}, such as
	 * {@code kubernetes}.
	 */
	public String launcher() {
		return this.launcher;
	}

	/** Builds {@link PoolOptions}. */
	public static final class Builder {

		private int size = Runtime.getRuntime().availableProcessors();

		private int minIdle = 1;

		private int maxTasksPerWorker;

		private @Nullable Duration idleTimeout;

		private @Nullable Duration taskTimeout;

		private Duration cancelGrace = Duration.ofSeconds(5);

		private int maxQueued;

		private QueueFullPolicy queueFullPolicy = QueueFullPolicy.REJECT;

		private @Nullable SerializableRunnable initializer;

		private ProcessOptions processOptions = ProcessOptions.defaults();

		private int maxStartFailures = 3;

		private Duration startFailurePeriod = Duration.ofSeconds(30);

		private Duration spinWait = Duration.ofNanos(50_000);

		private String launcher = LocalWorkerLauncher.NAME;

		private Builder() {
		}

		private Builder(PoolOptions options) {
			this.size = options.size;
			this.minIdle = options.minIdle;
			this.maxTasksPerWorker = options.maxTasksPerWorker;
			this.idleTimeout = options.idleTimeout;
			this.taskTimeout = options.taskTimeout;
			this.cancelGrace = options.cancelGrace;
			this.maxQueued = options.maxQueued;
			this.queueFullPolicy = options.queueFullPolicy;
			this.initializer = options.initializer;
			this.processOptions = options.processOptions;
			this.maxStartFailures = options.maxStartFailures;
			this.startFailurePeriod = options.startFailurePeriod;
			this.spinWait = options.spinWait;
			this.launcher = options.launcher;
		}

		public Builder size(int size) {
			this.size = size;
			return this;
		}

		public Builder minIdle(int minIdle) {
			this.minIdle = minIdle;
			return this;
		}

		public Builder maxTasksPerWorker(int maxTasksPerWorker) {
			this.maxTasksPerWorker = maxTasksPerWorker;
			return this;
		}

		public Builder idleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		public Builder taskTimeout(@Nullable Duration taskTimeout) {
			this.taskTimeout = taskTimeout;
			return this;
		}

		public Builder cancelGrace(Duration cancelGrace) {
			this.cancelGrace = Objects.requireNonNull(cancelGrace, "cancelGrace");
			return this;
		}

		public Builder maxQueued(int maxQueued) {
			this.maxQueued = maxQueued;
			return this;
		}

		public Builder queueFullPolicy(QueueFullPolicy queueFullPolicy) {
			this.queueFullPolicy = Objects.requireNonNull(queueFullPolicy, "queueFullPolicy");
			return this;
		}

		public Builder initializer(@Nullable SerializableRunnable initializer) {
			this.initializer = initializer;
			return this;
		}

		public Builder processOptions(ProcessOptions processOptions) {
			this.processOptions = Objects.requireNonNull(processOptions, "processOptions");
			return this;
		}

		public Builder maxStartFailures(int maxStartFailures) {
			this.maxStartFailures = maxStartFailures;
			return this;
		}

		public Builder startFailurePeriod(Duration startFailurePeriod) {
			this.startFailurePeriod = Objects.requireNonNull(startFailurePeriod, "startFailurePeriod");
			return this;
		}

		public Builder spinWait(Duration spinWait) {
			this.spinWait = Objects.requireNonNull(spinWait, "spinWait");
			return this;
		}

		public Builder launcher(String launcher) {
			this.launcher = Objects.requireNonNull(launcher, "launcher");
			return this;
		}

		public PoolOptions build() {
			return new PoolOptions(this);
		}

	}

}

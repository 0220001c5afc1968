package dev.mp;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Names and configures a process before it starts; {@link #start()} returns the started process.
 *
 * <pre>{@code
 * ManagedProcess p = processTemplate.process(() -> work()).name("worker-1").daemon(true).start();
 * }</pre>
 *
 * @param <P> the process type
 */
public final class ProcessSpec<P extends ManagedProcess> {

	private final ProcessTemplate template;

	private final P process;

	private String name;

	private boolean daemon;

	private ProcessOptions options;

	ProcessSpec(ProcessTemplate template, P process) {
		this.template = template;
		this.process = process;
		this.name = (process.name() != null) ? process.name() : template.nextProcessName();
		this.daemon = process.isDaemon();
		this.options = template.defaults();
	}

	/** The process name, for logs and the actuator; defaults to {@code process-N}. */
	public ProcessSpec<P> name(String name) {
		this.name = Objects.requireNonNull(name, "name");
		return this;
	}

	/** A daemon process is terminated when the template closes, instead of being waited for. */
	public ProcessSpec<P> daemon(boolean daemon) {
		this.daemon = daemon;
		return this;
	}

	/** Replaces how the child JVM is started. */
	public ProcessSpec<P> options(ProcessOptions options) {
		this.options = Objects.requireNonNull(options, "options");
		return this;
	}

	/** Adjusts the template's defaults for this process: {@code .options(o -> o.maxHeap("64m"))}. */
	public ProcessSpec<P> options(UnaryOperator<ProcessOptions.Builder> customizer) {
		this.options = customizer.apply(this.options.toBuilder()).build();
		return this;
	}

	/** The configured process, not started. */
	public P build() {
		this.process.bind(this.template, this.name, this.daemon, this.options);
		return this.process;
	}

	/** Builds and starts the process; see {@link ManagedProcess#start()}. */
	public P start() {
		P built = build();
		built.start();
		return built;
	}

}

package dev.mp.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.mp.ChildProcess;
import dev.mp.JvmFacts;
import dev.mp.ProcessPool;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;
import dev.mp.Progress;

/**
 * {@code /actuator/processes}: every child JVM mp started (live ones and the most recent exited ones), one child by
 * pid, and terminating one. Reading is open to the usual exposure rules; terminating needs
 * {@code management.endpoint.processes.access=unrestricted}.
 */
@Endpoint(id = "processes", defaultAccess = Access.READ_ONLY)
public class ProcessesEndpoint {

	private final ProcessTemplate template;

	public ProcessesEndpoint(ProcessTemplate template) {
		this.template = template;
	}

	@ReadOperation
	public ProcessesDescriptor processes() {
		return new ProcessesDescriptor(this.template.children().stream().map(ProcessDescriptor::of).toList(),
				this.template.pools().stream().map(PoolDescriptor::of).toList());
	}

	@ReadOperation
	public @Nullable ProcessDescriptor process(@Selector long pid) {
		return this.template.child(pid).map(ProcessDescriptor::of).orElse(null);
	}

	/**
	 * Sends SIGTERM to the child and its descendants while it runs; an exited child is not signalled. Over HTTP,
	 * {@link ProcessesEndpointWebExtension} answers instead.
	 */
	@DeleteOperation
	public @Nullable ProcessDescriptor terminate(@Selector long pid) {
		return this.template.child(pid).map((child) -> {
			child.terminate();
			return ProcessDescriptor.of(child);
		}).orElse(null);
	}

	/**
	 * The children, oldest first, and the pools.
	 * @param processes one entry per child
	 * @param pools one entry per pool
	 */
	public record ProcessesDescriptor(List<ProcessDescriptor> processes, List<PoolDescriptor> pools)
			implements OperationResponseBody {

	}

	/**
	 * One pool.
	 * @param name its name
	 * @param size most workers at once
	 * @param workers live workers
	 * @param queued tasks waiting for a worker
	 * @param workersReplaced workers that exited on their own and were replaced
	 * @param startFailure why its workers cannot start, while they cannot
	 */
	public record PoolDescriptor(String name, int size, int workers, int queued, long workersReplaced,
			@Nullable String startFailure) {

		static PoolDescriptor of(ProcessPool pool) {
			return new PoolDescriptor(pool.name(), pool.options().size(), pool.workers().size(), pool.queued(),
					pool.workersReplaced(), pool.startFailure()
						.map((failure) -> failure.getMessage().lines().findFirst().orElse(""))
						.orElse(null));
		}

	}

	/**
	 * One child.
	 * @param id unique within the application
	 * @param name its name, for logs
	 * @param pid its operating-system pid
	 * @param state NEW, STARTING, RUNNING (a process or single call), IDLE or BUSY (a pool worker), or EXITED
	 * @param alive whether it is running
	 * @param daemon whether it is terminated rather than awaited at shutdown
	 * @param startTime when it was started
	 * @param uptime how long it has run (or ran), ISO-8601
	 * @param exitCode its exit code once exited, negative for a signal
	 * @param runs what it runs: bean and method, task class, or the pool it works for
	 * @param bootstrapMode plain or spring
	 * @param pool the pool it works for, or {@code null}
	 * @param tasksCompleted calls it has answered
	 * @param cpuTime CPU time used while it runs, ISO-8601
	 * @param residentMemory resident memory in bytes while it runs
	 * @param exitReason how it ended
	 * @param outputTail its last lines of output, once it has exited
	 * @param launcher what started it: {@code local}, {@code kubernetes}
	 * @param placement where it runs, for a pod its name ({@code pod}), {@code node} and {@code phase}; empty for a
	 * local process
	 * @param jvm what its JVM last told about itself, while it runs
	 * @param progress the running call's latest report of its progress
	 */
	public record ProcessDescriptor(String id, String name, long pid, ProcessState state, boolean alive,
			boolean daemon, @Nullable String startTime, @Nullable String uptime, @Nullable Integer exitCode,
			String runs, String bootstrapMode, @Nullable String pool, long tasksCompleted, @Nullable String cpuTime,
			@Nullable Long residentMemory, @Nullable String exitReason, @Nullable List<String> outputTail,
			String launcher, Map<String, String> placement, @Nullable JvmDescriptor jvm,
			@Nullable Progress progress) implements OperationResponseBody {

		static ProcessDescriptor of(ChildProcess child) {
			Instant started = child.startTime();
			Integer exitCode = child.exitCode().isPresent() ? child.exitCode().getAsInt() : null;
			// read once: a child that exits between two reads (as one just terminated does) has none the second time
			OptionalLong residentMemory = child.residentMemoryBytes();
			Instant end = (child.exitTime() != null) ? child.exitTime() : Instant.now();
			String uptime = (started != null) ? Duration.between(started, end).toString() : null;
			return new ProcessDescriptor(child.id(), child.name(), child.pid(), child.state(), child.isAlive(),
					child.isDaemon(), (started != null) ? started.toString() : null, uptime, exitCode,
					child.description(), child.bootstrapMode(), child.pool(), child.tasksCompleted(),
					child.cpuTime().map(Duration::toString).orElse(null),
					residentMemory.isPresent() ? residentMemory.getAsLong() : null,
					child.exitReason().orElse(null), child.isAlive() ? null : child.outputTail(), child.launcher(),
					child.details(), child.jvm().map(JvmDescriptor::of).orElse(null), child.progress().orElse(null));
		}

	}

	/**
	 * What a child's JVM last told about itself.
	 * @param sampledAt when it told
	 * @param heapUsed heap in use, in bytes
	 * @param heapCommitted heap the JVM has from the operating system, in bytes
	 * @param heapMax the most heap it may use, in bytes, or -1 for no limit
	 * @param gcCount garbage collections so far
	 * @param gcTime time spent collecting so far, ISO-8601
	 * @param threads live threads
	 * @param loadedClasses classes loaded
	 * @param uptime how long the JVM had run, ISO-8601
	 * @param contextUptime how long its application context had run (a spring worker), ISO-8601
	 */
	public record JvmDescriptor(String sampledAt, long heapUsed, long heapCommitted, long heapMax, long gcCount,
			String gcTime, int threads, long loadedClasses, String uptime, @Nullable String contextUptime) {

		static JvmDescriptor of(JvmFacts facts) {
			Duration context = facts.contextUptime();
			return new JvmDescriptor(facts.sampledAt().toString(), facts.heapUsed(), facts.heapCommitted(),
					facts.heapMax(), facts.gcCount(), facts.gcTime().toString(), facts.threads(),
					facts.loadedClasses(), facts.uptime().toString(), (context != null) ? context.toString() : null);
		}

	}

}

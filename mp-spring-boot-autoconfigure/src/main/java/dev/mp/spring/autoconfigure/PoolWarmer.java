package dev.mp.spring.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.unit.DataSize;

import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.spring.proxy.WorkerProcessBeanPostProcessor;

/**
 * Starts the workers of the configured pools, and of the pools {@code @WorkerProcess} beans use, in parallel as the
 * application starts, so that the first calls find them warm. Returns without waiting for them. Warns first if those
 * pools' workers may need more heap than the memory limit (see {@link WorkerMemoryCheck}).
 */
final class PoolWarmer implements SmartLifecycle {

	private final ProcessTemplate template;

	private final Set<String> configuredPools;

	private final WorkerProcessBeanPostProcessor workerProcesses;

	private final @Nullable DataSize memoryLimit;

	private volatile boolean running;

	/**
	 * @param memoryLimit the memory the application and its workers share, or {@code null} for the container's
	 */
	PoolWarmer(ProcessTemplate template, Set<String> configuredPools, WorkerProcessBeanPostProcessor workerProcesses,
			@Nullable DataSize memoryLimit) {
		this.template = template;
		this.configuredPools = configuredPools;
		this.workerProcesses = workerProcesses;
		this.memoryLimit = memoryLimit;
	}

	@Override
	public void start() {
		Set<String> names = new LinkedHashSet<>(this.configuredPools);
		names.addAll(this.workerProcesses.poolsInUse());
		List<ProcessPool> pools = names.stream().map(this.template::pool).toList();
		WorkerMemoryCheck.check(pools, this.memoryLimit);
		pools.forEach(ProcessPool::warmUp);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}

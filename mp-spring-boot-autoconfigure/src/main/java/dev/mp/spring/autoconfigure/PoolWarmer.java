package dev.mp.spring.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.context.SmartLifecycle;

import dev.mp.ProcessTemplate;
import dev.mp.spring.proxy.WorkerProcessBeanPostProcessor;

/**
 * Starts the workers of the configured pools, and of the pools {@code @WorkerProcess} beans use, in parallel as the
 * application starts, so that the first calls find them warm. Returns without waiting for them.
 */
final class PoolWarmer implements SmartLifecycle {

	private final ProcessTemplate template;

	private final Set<String> configuredPools;

	private final WorkerProcessBeanPostProcessor workerProcesses;

	private volatile boolean running;

	PoolWarmer(ProcessTemplate template, Set<String> configuredPools,
			WorkerProcessBeanPostProcessor workerProcesses) {
		this.template = template;
		this.configuredPools = configuredPools;
		this.workerProcesses = workerProcesses;
	}

	@Override
	public void start() {
		Set<String> pools = new LinkedHashSet<>(this.configuredPools);
		pools.addAll(this.workerProcesses.poolsInUse());
		pools.forEach((name) -> this.template.pool(name).warmUp());
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

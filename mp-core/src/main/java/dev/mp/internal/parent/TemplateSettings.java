package dev.mp.internal.parent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.mp.PoolListener;
import dev.mp.spi.LaunchAttributes;
import dev.mp.spi.WorkerLauncher;

/**
 * What a {@code ProcessTemplate.Builder} fixed for the engine behind the template.
 *
 * @param shutdownGracePeriod how long closing waits for non-daemon children and running pool tasks
 * @param maxFrameBytes the largest frame accepted in either direction, in bytes
 * @param retainExited how many exited children are remembered
 * @param runDirectoryBase where the private run directory (the worker socket) is made
 * @param sharedMemoryBase where the private directory of shared objects is made; {@code null} for the default
 * @param classLoader the loader answers and exceptions are read with
 * @param launchers the ways to start workers, by name
 * @param listeners told of every pool's events
 * @param launchAttributes asked for every worker's launch attributes, in order
 * @param jvmFactsInterval how often workers tell their JVM's facts; zero for never
 */
public record TemplateSettings(Duration shutdownGracePeriod, int maxFrameBytes, int retainExited,
		Path runDirectoryBase, @Nullable Path sharedMemoryBase, ClassLoader classLoader,
		Map<String, WorkerLauncher> launchers, List<PoolListener> listeners,
		List<LaunchAttributes> launchAttributes, Duration jvmFactsInterval) {

	public TemplateSettings {
		launchers = Map.copyOf(launchers);
		listeners = List.copyOf(listeners);
		launchAttributes = List.copyOf(launchAttributes);
	}

}

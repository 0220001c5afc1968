package dev.mp.sample;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.internal.launch.ArchiveTraining;
import dev.mp.internal.launch.ExtractedJars;

/**
 * A parent application of its own JVM for {@link ExtractedWorkersIT}: starts one plain worker of a fat jar with a
 * given cache directory, prints {@code READY <pid>} once it is warm, then waits for its stdin to close, closes its
 * template and prints {@code TRAININGS <n> EXTRACTIONS <n>}: what this JVM started.
 */
public final class CacheParent {

	private CacheParent() {
	}

	public static void main(String[] args) throws Exception {
		ProcessOptions options = ProcessOptions.builder().classPath(args[0]).cacheDirectory(Path.of(args[1])).build();
		try (ProcessTemplate template = ProcessTemplate.builder().defaults(options).build()) {
			ProcessPool pool = template.pool("parent",
					PoolOptions.builder().size(1).minIdle(1).processOptions(options).build());
			pool.whenWarm().get(120, TimeUnit.SECONDS);
			System.out.println("READY " + pool.workers().get(0).pid());
			System.in.read();
		}
		System.out.println("TRAININGS " + ArchiveTraining.trainings() + " EXTRACTIONS " + ExtractedJars.extractions());
	}

}

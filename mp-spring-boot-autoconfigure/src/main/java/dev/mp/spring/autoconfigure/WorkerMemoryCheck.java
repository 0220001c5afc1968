package dev.mp.spring.autoconfigure;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.internal.launch.LocalWorkerLauncher;

/**
 * Warns when the pools' local workers, all busy at their maximum heaps, and this JVM's own heap may need more than the
 * memory limit they share. Past it the kernel kills a process instead of a JVM collecting its garbage; with mp's OOM
 * score adjustment that is a worker, but a warning at start-up says which pools to shrink.
 */
final class WorkerMemoryCheck {

	private static final Log logger = LogFactory.getLog(WorkerMemoryCheck.class);

	private static final String PROPERTY = "mp.worker.memory-limit";

	private WorkerMemoryCheck() {
	}

	/**
	 * @param configured the limit given by {@value #PROPERTY}, or {@code null} for the container's
	 */
	static void check(Collection<ProcessPool> pools, @Nullable DataSize configured) {
		OptionalLong limit = (configured != null) ? OptionalLong.of(configured.toBytes()) : ContainerMemory.limit();
		if (limit.isPresent()) {
			String source = (configured != null) ? PROPERTY : "this process's cgroup";
			warning(pools, limit.getAsLong(), source, visibleMemory(limit.getAsLong()),
					Runtime.getRuntime().maxMemory())
				.ifPresent(logger::warn);
		}
	}

	/**
	 * @param memory the memory a worker JVM sees, which its default heap is a share of
	 * @param ownHeap this JVM's maximum heap
	 * @return the warning, or empty if the heaps fit the limit
	 */
	static Optional<String> warning(Collection<ProcessPool> pools, long limit, String source, long memory,
			long ownHeap) {
		long total = ownHeap;
		List<String> shares = new ArrayList<>();
		for (ProcessPool pool : pools) {
			if (!LocalWorkerLauncher.NAME.equals(pool.options().launcher())) {
				continue; // pods have limits of their own
			}
			ProcessOptions options = pool.options().processOptions();
			long heap = HeapEstimate.maxHeap(options.maxHeap(), options.childJvmOptions(), memory);
			int size = pool.options().size();
			total += size * heap;
			shares.add(pool.name() + " " + size + " x " + format(heap));
		}
		if (total <= limit || shares.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of("mp's pools may need more heap than the memory limit of " + format(limit) + " (" + source
				+ "): " + String.join(", ", shares) + " (workers x maximum heap) and this application's "
				+ format(ownHeap) + " add up to " + format(total) + ", before any memory outside the heaps. Under "
				+ "memory pressure the kernel kills a worker first (mp.worker.oom-score-adjustment); lower "
				+ "mp.pools.<name>.size or mp.pools.<name>.max-heap to stay within the limit.");
	}

	/** The memory this JVM sees, as a worker would: the container's limit, else the machine's. */
	private static long visibleMemory(long limit) {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
				? os.getTotalMemorySize() : limit;
	}

	private static String format(long bytes) {
		if (bytes >= DataSize.ofGigabytes(1).toBytes()) {
			String gib = String.format(Locale.ROOT, "%.1f", bytes / (double) DataSize.ofGigabytes(1).toBytes());
			return gib.replaceFirst("\\.0$", "") + " GiB";
		}
		return (bytes >> 20) + " MiB";
	}

}

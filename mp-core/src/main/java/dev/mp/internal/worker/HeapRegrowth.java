package dev.mp.internal.worker;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;

/**
 * Gives a worker that booted on a small initial heap the heap the JVM would have started with, once it has booted.
 * mp starts SerialGC workers with {@code -Xms8m} (see {@code MemoryFlags}) and sets {@link #PROPERTY}: the boot's
 * garbage then passes through a few MiB of young generation instead of a third of the default heap, and an idle
 * worker keeps only those pages. A small heap would slow a long task down, though: SerialGC sizes its young generation
 * only at a full collection, to a {@code NewRatio}th of the old one. So once booted, the worker runs two full
 * collections: one with {@code MaxHeapFreeRatio} at 0, which shrinks the heap to what is live and so hands back the
 * pages the boot left free, and one with {@code MinHeapFreeRatio} raised for it, which grows the old generation (and
 * with it the young one) to where the default initial heap would have put them. Those pages are committed but
 * untouched, so they cost an idle worker nothing, and a task finds a heap of the default size. The two pauses (tens
 * of milliseconds for a Spring application) come after the worker has told its parent it is ready.
 */
final class HeapRegrowth {

	/** The system property, {@code true} in a worker that mp started with a small initial heap. */
	static final String PROPERTY = "mp.worker.regrow-heap";

	private HeapRegrowth() {
	}

	/** Grows the heap back if mp shrank it for the boot; never fails the worker (it only keeps the small heap). */
	static void afterBoot() {
		if (!Boolean.getBoolean(PROPERTY)) {
			return;
		}
		try {
			HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			long heap = defaultInitialHeap(vm);
			if (heap <= ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()) {
				return;
			}
			String minFree = vm.getVMOption("MinHeapFreeRatio").getValue();
			String maxFree = vm.getVMOption("MaxHeapFreeRatio").getValue();
			boolean grown = false;
			try {
				// first down to what is live, giving back the pages the boot touched and left free (in one step: the
				// worker runs with -XX:-ShrinkHeapInSteps); the minimum may not exceed the maximum, so it moves first
				vm.setVMOption("MinHeapFreeRatio", "0");
				vm.setVMOption("MaxHeapFreeRatio", "0");
				System.gc();
				long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
				long free = (long) Math.ceil(100 * (1 - (double) live / oldGeneration(vm, heap)));
				// then up to the default size, in pages nothing has touched yet
				vm.setVMOption("MaxHeapFreeRatio", "100");
				vm.setVMOption("MinHeapFreeRatio", Long.toString(Math.max(0, Math.min(99, free))));
				System.gc();
				grown = true;
			}
			finally {
				// a heap grown back never shrinks below that size again, as one that started there; one that failed
				// to grow back keeps the JVM's ratios
				vm.setVMOption("MaxHeapFreeRatio", "100");
				vm.setVMOption("MinHeapFreeRatio", minFree);
				if (!grown) {
					vm.setVMOption("MaxHeapFreeRatio", maxFree);
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			// a JVM without HotSpot's management interface: the worker keeps its small heap
		}
	}

	/** The initial heap the JVM picks by default: {@code InitialRAMPercentage} of the memory, at most the maximum. */
	private static long defaultInitialHeap(HotSpotDiagnosticMXBean vm) {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long memory = Math.min(os.getTotalMemorySize(), number(vm, "MaxRAM"));
		double percentage = Double.parseDouble(vm.getVMOption("InitialRAMPercentage").getValue());
		return Math.min((long) (memory * percentage / 100), number(vm, "MaxHeapSize"));
	}

	/**
	 * The old generation of a heap of that size: {@code MinHeapFreeRatio} sizes it at a full collection, and the
	 * young generation follows it.
	 */
	private static long oldGeneration(HotSpotDiagnosticMXBean vm, long heap) {
		return heap - Math.min(heap / (1 + number(vm, "NewRatio")), number(vm, "MaxNewSize"));
	}

	private static long number(HotSpotDiagnosticMXBean vm, String option) {
		return Long.parseLong(vm.getVMOption(option).getValue());
	}

}

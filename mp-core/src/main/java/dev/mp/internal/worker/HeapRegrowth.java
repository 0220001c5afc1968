package dev.mp.internal.worker;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.function.LongSupplier;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;

/**
 * Gives a worker that booted on a small heap the heap the JVM would have started with, once it has booted. mp starts
 * SerialGC workers with {@code -Xms8m}, or, where they boot an application context, with a 3 MiB young generation in
 * a heap with room for what the boot keeps (see {@code MemoryFlags}), and sets {@link #PROPERTY}: the boot's garbage
 * then passes through a few MiB of young generation instead of a third of the default heap, and an idle worker keeps
 * only those pages. A small young generation would slow a long task down, though: SerialGC sizes it only at a full
 * collection, to a {@code NewRatio}th of the old one. So once booted, the worker runs two full collections: one with
 * {@code MaxHeapFreeRatio} at 0, which shrinks the heap to what is live (or to its initial size, below which SerialGC
 * never shrinks it) and so hands back the pages the boot left free, and one with {@code MinHeapFreeRatio} raised for
 * it, which grows the old generation (and with it the young one) to where the default initial heap would have put
 * them. Those pages are committed but untouched, so they cost an idle worker nothing, and a task finds a heap of the
 * default size. The two pauses (tens of milliseconds for a Spring application) come after the worker has told its
 * parent it is ready. The worker does the same again whenever it has been idle a while with eden touched since (see
 * {@link #trimWhenIdle}).
 */
final class HeapRegrowth {

	/** The system property, {@code true} in a worker that mp started with a small initial heap. */
	static final String PROPERTY = "mp.worker.regrow-heap";

	/** The system property that sets {@link #idleCheckMillis()} (tests make it short). */
	static final String IDLE_CHECK_PROPERTY = "mp.worker.idle-heap-check-millis";

	private static final long DEFAULT_IDLE_CHECK_MILLIS = 60_000;

	private static final String YOUNG_COLLECTOR = "Copy";

	private static final String FULL_COLLECTOR = "MarkSweepCompact";

	private static final String EDEN = "Eden Space";

	private static final int COLLECT_ATTEMPTS = 100;

	private static final long COLLECT_RETRY_MILLIS = 10;

	/** Whether the heap has grown back since boot; only the worker's main thread reads and writes it, and those below. */
	private static boolean regrown;

	/** Collections at the last trim. */
	private static long youngCollectionsAtTrim;

	private static long fullCollectionsAtTrim;

	private HeapRegrowth() {
	}

	/** Grows the heap back if mp shrank it for the boot; never fails the worker (it only keeps the small heap). */
	static void afterBoot() {
		if (!enabled()) {
			return;
		}
		try {
			HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			// the young generation stays small until a full collection, which the regrowth is; a boot that left half
			// the default heap in use is not shrunk first, as a full collection costs in proportion to what is live
			regrown = regrow(vm, heapUsed() < defaultInitialHeap(vm) / 2);
			remember();
		}
		catch (RuntimeException | LinkageError ex) {
			// a JVM without HotSpot's management interface: the worker keeps its small heap
		}
	}

	/** Whether mp started this worker with a small initial heap, to grow back after boot. */
	static boolean enabled() {
		return Boolean.getBoolean(PROPERTY);
	}

	/** How long a worker must have run no call before {@link #trimWhenIdle} is worth a look. */
	static long idleCheckMillis() {
		return Long.getLong(IDLE_CHECK_PROPERTY, DEFAULT_IDLE_CHECK_MILLIS);
	}

	/**
	 * In a worker that ran no call for a whole {@link #idleCheckMillis() check interval}: an idle worker still
	 * allocates a little (its reports to the parent), which walks through eden page by page, and a call's garbage
	 * touches all of it or grows the heap past its default size. Once a collection has run since the last trim, or a
	 * quarter of eden is in use, the same two collections as after boot hand those pages back: always when the heap
	 * has grown past the default size or those after boot did not run, otherwise unless more than eden is in use
	 * outside it (a full collection costs in proportion to what is live). A call that arrives meanwhile waits for them.
	 */
	static void trimWhenIdle() {
		try {
			MemoryUsage eden = eden();
			if (regrown && youngCollections() == youngCollectionsAtTrim && fullCollections() == fullCollectionsAtTrim
					&& eden.getUsed() < eden.getCommitted() / 4) {
				return;
			}
			HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			boolean grown = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()
					> defaultInitialHeap(vm);
			// collections after boot that did not run (see collectFully) left the boot's young generation
			if (!regrown || grown || heapUsed() - eden.getUsed() <= eden.getCommitted()) {
				regrown = regrow(vm, true);
			}
			remember();
		}
		catch (RuntimeException | LinkageError ex) {
			// no trim this time
		}
	}

	/** The collections so far, which the next idle check compares with. */
	private static void remember() {
		youngCollectionsAtTrim = youngCollections();
		fullCollectionsAtTrim = fullCollections();
	}

	/**
	 * When {@code shrinkFirst}, one full collection with {@code MaxHeapFreeRatio} at 0, which shrinks the heap to
	 * what is live in one step (the worker runs with {@code -XX:-ShrinkHeapInSteps}) and so hands back the pages
	 * touched and left free; then one with {@code MinHeapFreeRatio} raised, which grows it to the JVM's default initial
	 * size in pages nothing has touched, and the young generation to a {@code NewRatio}th of the old one. Whether the
	 * second ran.
	 */
	private static boolean regrow(HotSpotDiagnosticMXBean vm, boolean shrinkFirst) {
		long heap = defaultInitialHeap(vm);
		String minFree = vm.getVMOption("MinHeapFreeRatio").getValue();
		String maxFree = vm.getVMOption("MaxHeapFreeRatio").getValue();
		boolean grown = false;
		try {
			if (shrinkFirst) {
				// the minimum may not exceed the maximum, so it moves first
				vm.setVMOption("MinHeapFreeRatio", "0");
				vm.setVMOption("MaxHeapFreeRatio", "0");
				collectFully(System::gc, HeapRegrowth::fullCollections);
			}
			long live = heapUsed();
			long free = (long) Math.ceil(100 * (1 - (double) live / oldGeneration(vm, heap)));
			vm.setVMOption("MaxHeapFreeRatio", "100");
			vm.setVMOption("MinHeapFreeRatio", Long.toString(Math.max(0, Math.min(99, free))));
			grown = collectFully(System::gc, HeapRegrowth::fullCollections);
		}
		finally {
			// a heap grown back does not shrink by itself (SerialGC would shrink it at a full collection, to its
			// initial size at worst, and its young generation with it); the idle trim brings it back to that size.
			// One that failed to grow back keeps the JVM's ratios
			vm.setVMOption("MaxHeapFreeRatio", "100");
			vm.setVMOption("MinHeapFreeRatio", minFree);
			if (!grown) {
				vm.setVMOption("MaxHeapFreeRatio", maxFree);
			}
		}
		return grown;
	}

	/**
	 * Runs a full collection: {@code System.gc()} returns without one while another thread is in a JNI critical
	 * region (SerialGC's GC locker; a zip inflater, for one), so it asks again until the count of full collections
	 * moved, for about a second at most. Whether one ran.
	 */
	static boolean collectFully(Runnable gc, LongSupplier fullCollections) {
		long before = fullCollections.getAsLong();
		for (int attempt = 0; attempt < COLLECT_ATTEMPTS; attempt++) {
			gc.run();
			if (fullCollections.getAsLong() != before) {
				return true;
			}
			try {
				Thread.sleep(COLLECT_RETRY_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	/** SerialGC's young collections so far (its collector {@code Copy}). */
	private static long youngCollections() {
		return collections(YOUNG_COLLECTOR);
	}

	/** SerialGC's full collections so far (its collector {@code MarkSweepCompact}). */
	private static long fullCollections() {
		return collections(FULL_COLLECTOR);
	}

	private static long collections(String collectorName) {
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collectorName.equals(collector.getName())) {
				return collector.getCollectionCount();
			}
		}
		return 0;
	}

	private static long heapUsed() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static MemoryUsage eden() {
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (EDEN.equals(pool.getName())) {
				return pool.getUsage();
			}
		}
		throw new IllegalStateException("no " + EDEN + " pool: not SerialGC");
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

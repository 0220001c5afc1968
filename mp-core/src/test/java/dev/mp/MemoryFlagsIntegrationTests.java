package dev.mp;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the memory flags do to a real SerialGC worker's heap: a plain worker boots on 8 MiB and, once booted, grows its
 * generations back to the JVM's default initial sizes (and stays there); a worker that sizes its heap itself keeps its
 * own settings.
 */
@ExtendWith(NoChildProcessesLeft.class)
class MemoryFlagsIntegrationTests {

	private static final long MIB = 1024 * 1024;

	/** Where {@link #makeGarbage} puts what it makes, so that it is made. */
	static volatile byte @Nullable [] sink;

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aSerialGcWorkerBootsOnASmallHeapAndGrowsItBackOnceBooted() throws Exception {
		ProcessPool pool = pool(ProcessOptions.builder().jvmOptions("-XX:+UseSerialGC").maxHeap("64m").build());
		awaitRegrowth(pool, 64 * MIB);
		assertThat(pool.submit(() -> vmOption("InitialHeapSize")).get(60, TimeUnit.SECONDS))
			.isEqualTo(Long.toString(8 * MIB));
		// eden: the default heap's young third, less the two survivor spaces (SurvivorRatio 8); a tenth below it
		long defaultHeap = defaultInitialHeap(64 * MIB);
		assertThat(pool.submit(MemoryFlagsIntegrationTests::edenCommitted).get(60, TimeUnit.SECONDS))
			.as("eden after the regrowth")
			.isGreaterThanOrEqualTo(defaultHeap / 3 * 8 / 10 * 9 / 10);
		assertThat(pool.submit(() -> vmOption("MaxHeapFreeRatio")).get(60, TimeUnit.SECONDS)).isEqualTo("100");
		assertThat(pool.submit(() -> vmOption("MinHeapFreeRatio")).get(60, TimeUnit.SECONDS)).isEqualTo("40");
	}

	@Test
	void anIdleWorkerHandsBackTheHeapACallsGarbageTouched() throws Exception {
		ProcessPool pool = idleCheckingPool("64m");
		awaitRegrowth(pool, 64 * MIB);
		long fullAfterGarbage = pool.submit(MemoryFlagsIntegrationTests::makeGarbage).get(60, TimeUnit.SECONDS);
		// each probe is a call: the worker is idle between them, for several check intervals
		await("the idle worker's two collections that hand back its young generation").atMost(30, TimeUnit.SECONDS)
			.pollInterval(500, TimeUnit.MILLISECONDS)
			.until(() -> pool.submit(MemoryFlagsIntegrationTests::fullCollections).get(60, TimeUnit.SECONDS),
					(full) -> full >= fullAfterGarbage + 2);
		assertThat(pool.submit(() -> vmOption("MaxHeapFreeRatio")).get(60, TimeUnit.SECONDS)).isEqualTo("100");
	}

	@Test
	void anIdleWorkerWhoseHeapACallGrewPastTheDefaultSizeGivesItBack() throws Exception {
		ProcessPool pool = idleCheckingPool("1g");
		// a heap regrows to a hundred times what is live at most: a plain worker's stays below this default
		await("the two collections after boot").atMost(60, TimeUnit.SECONDS)
			.until(() -> pool.submit(MemoryFlagsIntegrationTests::fullCollections).get(60, TimeUnit.SECONDS) >= 2);
		long defaultHeap = defaultInitialHeap(1024 * MIB);
		long grown = pool.submit(() -> holdThenDrop(defaultHeap + 64 * MIB)).get(60, TimeUnit.SECONDS);
		assertThat(grown).as("the heap the call grew").isGreaterThan(defaultHeap + 64 * MIB);
		await("the idle worker's heap back at its default size").atMost(30, TimeUnit.SECONDS)
			.pollInterval(500, TimeUnit.MILLISECONDS)
			.until(() -> pool.submit(MemoryFlagsIntegrationTests::heapCommitted).get(60, TimeUnit.SECONDS),
					(committed) -> committed <= defaultHeap * 12 / 10);
	}

	@Test
	void aWorkerThatSetsItsInitialHeapKeepsItAndTheJvmsRatios() throws Exception {
		ProcessPool pool = pool(
				ProcessOptions.builder().jvmOptions("-XX:+UseSerialGC", "-Xms32m").maxHeap("64m").build());
		assertThat(pool.submit(() -> vmOption("InitialHeapSize")).get(60, TimeUnit.SECONDS))
			.isEqualTo(Long.toString(32 * MIB));
		assertThat(pool.submit(() -> vmOption("MaxHeapFreeRatio")).get(60, TimeUnit.SECONDS)).isEqualTo("70");
		assertThat(pool.submit(() -> String.valueOf(System.getProperty("mp.worker.regrow-heap")))
			.get(60, TimeUnit.SECONDS)).isEqualTo("null");
	}

	/** Waits for the worker's heap to have grown back after its boot, to the JVM's default for that maximum. */
	private static void awaitRegrowth(ProcessPool pool, long maxHeap) {
		// a tenth below the default for the rounding
		long expected = defaultInitialHeap(maxHeap) * 9 / 10;
		await("the heap grown back after boot").atMost(60, TimeUnit.SECONDS)
			.until(() -> pool.submit(() -> fullCollections() >= 2 && vmOption("MaxHeapFreeRatio").equals("100")
					&& heapCommitted() >= expected)
				.get(60, TimeUnit.SECONDS));
	}

	/** The default initial heap: a 64th of the memory, at most the maximum. */
	private static long defaultInitialHeap(long maxHeap) {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		return Math.min(maxHeap, os.getTotalMemorySize() / 64);
	}

	/** A SerialGC worker that looks at its idle heap every 100 ms instead of every minute. */
	private ProcessPool idleCheckingPool(String maxHeap) {
		return pool(ProcessOptions.builder()
			.jvmOptions("-XX:+UseSerialGC", "-Dmp.worker.idle-heap-check-millis=100")
			.maxHeap(maxHeap)
			.build());
	}

	private ProcessPool pool(ProcessOptions options) {
		return this.template.pool("memory", PoolOptions.builder().size(1).processOptions(options).build());
	}

	/** Garbage through several young collections; the full collections so far. */
	static long makeGarbage() {
		for (int i = 0; i < 256; i++) {
			sink = new byte[1 << 20];
		}
		return fullCollections();
	}

	/** Holds that many bytes at once, then lets them go; the heap committed while it held them. */
	static long holdThenDrop(long bytes) {
		List<byte[]> held = new ArrayList<>();
		for (long total = 0; total < bytes; total += 1 << 20) {
			held.add(new byte[1 << 20]);
		}
		long committed = heapCommitted();
		held.clear();
		return committed;
	}

	/** SerialGC's full collections so far. */
	static long fullCollections() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.filter((collector) -> collector.getName().equals("MarkSweepCompact"))
			.mapToLong(GarbageCollectorMXBean::getCollectionCount)
			.sum();
	}

	static long heapCommitted() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
	}

	static long edenCommitted() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getName().equals("Eden Space"))
			.mapToLong((pool) -> pool.getUsage().getCommitted())
			.sum();
	}

	static String vmOption(String name) {
		return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
	}

}

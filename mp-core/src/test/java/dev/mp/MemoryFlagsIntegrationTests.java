package dev.mp;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the memory flags do to a real SerialGC worker's heap: it boots on 8 MiB and, once booted, grows back to the
 * JVM's default initial size (and stays there); a worker that sizes its heap itself keeps its own settings.
 */
@ExtendWith(NoChildProcessesLeft.class)
class MemoryFlagsIntegrationTests {

	private static final long MIB = 1024 * 1024;

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aSerialGcWorkerBootsOnASmallHeapAndGrowsItBackOnceBooted() throws Exception {
		ProcessPool pool = pool(ProcessOptions.builder().jvmOptions("-XX:+UseSerialGC").maxHeap("64m").build());
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		// the default initial heap: a 64th of the memory, at most the maximum; a tenth below it for the rounding
		long expected = Math.min(64 * MIB, os.getTotalMemorySize() / 64) * 9 / 10;
		await().atMost(60, TimeUnit.SECONDS)
			.until(() -> pool.submit(MemoryFlagsIntegrationTests::heapCommitted).get(60, TimeUnit.SECONDS) >= expected);
		assertThat(pool.submit(() -> vmOption("InitialHeapSize")).get(60, TimeUnit.SECONDS))
			.isEqualTo(Long.toString(8 * MIB));
		assertThat(pool.submit(() -> vmOption("MaxHeapFreeRatio")).get(60, TimeUnit.SECONDS)).isEqualTo("100");
		assertThat(pool.submit(() -> vmOption("MinHeapFreeRatio")).get(60, TimeUnit.SECONDS)).isEqualTo("40");
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

	private ProcessPool pool(ProcessOptions options) {
		return this.template.pool("memory", PoolOptions.builder().size(1).processOptions(options).build());
	}

	static long heapCommitted() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
	}

	static String vmOption(String name) {
		return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
	}

}

package dev.mp.bench;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;

/**
 * The mp rows. Each method measures one figure and adds it to the bench with the id of {@link Figures}; the targets
 * of issue 3 ({@link Figures#TARGETS}) then find it by that id and print met / MISSED. A method that cannot measure
 * yet calls {@link Bench#pending}, so the row still shows in the table as "not measured yet".
 * <p>
 * Rules for the rows to come, so that they compare with their floors and with Python:
 * <ul>
 * <li>time around exactly what the user calls (serialization included), {@code System.nanoTime()}, median of many
 * repetitions after warm-up ({@link Bench#sample});</li>
 * <li>round trips in µs, start+join in ms, map in items/s, 1 MiB in MB/s (10^6 bytes of payload per second, payload
 * counted once, as {@code mp_bench.py} does), RSS in MiB;</li>
 * <li>the same work as Python: a trivial {@code identity(1)}-like call, 100,000 trivial items with the pool's own
 * default chunk size and as many workers as Python's {@code Pool()} (cores), a {@code byte[1 << 20]} echoed back;</li>
 * <li>no JVM options on the children unless the row says so (the floors use none);</li>
 * <li>close every template/pool in the method: no child of the harness may outlive its row.</li>
 * </ul>
 */
final class MpRows {

	private MpRows() {
	}

	/** Fresh plain process: {@code template.process(() -> {}).start()} then {@code join()}, from the call to join's return. */
	static void freshProcessStartJoin(Bench bench) throws Exception {
		try (ProcessTemplate template = new ProcessTemplate()) {
			double[] millis = Bench.sample(3, bench.reps(20), () -> {
				long start = System.nanoTime();
				ManagedProcess process = template.process(() -> {
				}).start();
				process.join();
				long end = System.nanoTime();
				if (process.exitCode().orElse(-1) != 0) {
					throw new IllegalStateException("mp child exited with " + process.exitCode());
				}
				return (end - start) / 1e6;
			});
			bench.add(Measurement.of(Figures.MP_FRESH_START_JOIN, "mp: fresh process start+join (plain bootstrap)",
					"ms", millis));
		}
	}

	// ------------------------------------------------------------------------------------------------------------
	// EXTENSION POINTS (issue 3): replace each bench.pending(...) with a measurement under the same id and unit.
	// ------------------------------------------------------------------------------------------------------------

	/**
	 * Warm pool, one worker busy at a time: submit a trivial call with a small argument ({@code identity(1)}) and wait
	 * for its result. Pool of 1 worker, like Python's {@code ProcessPoolExecutor(max_workers=1)}; warm-up 1,000, then
	 * 5,000 round trips. Targets: <= 1.5x {@link Figures#SOCKET_PING_PONG}, <= 0.2x {@link Figures#PY_PPE_ROUND_TRIP}.
	 */
	static void warmPoolRoundTrip(Bench bench) throws Exception {
		bench.pending(Figures.MP_POOL_ROUND_TRIP, "mp: warm pool call round trip (trivial, small arg)", "µs",
				"worker pool not in mp-core yet");
	}

	/**
	 * The same call through a {@code @WorkerProcess} bean method on the pool, from a Spring context started in this
	 * JVM (a small {@code @SpringBootApplication} in this module). Same unit and counts as the warm pool row.
	 */
	static void proxyRoundTrip(Bench bench) throws Exception {
		bench.pending(Figures.MP_PROXY_ROUND_TRIP, "mp: @WorkerProcess proxy round trip (warm pool)", "µs",
				"worker pool not in mp-core yet");
	}

	/**
	 * {@code map} of 100,000 trivial items, ordered, default chunk size, pool as large as Python's {@code Pool()}
	 * (number of cores), warm workers; items/s per repetition (2 warm-up, 10 measured). Target: >= 2x
	 * {@link Figures#PY_POOL_MAP}.
	 */
	static void poolMap(Bench bench) throws Exception {
		bench.pending(Figures.MP_POOL_MAP, "mp: pool map of 100,000 trivial items", "items/s",
				"worker pool not in mp-core yet");
	}

	/** A Spring-mode worker (bootstrap mode {@code spring}) from start to ready for its first call, ms. */
	static void springWorkerStartToReady(Bench bench) throws Exception {
		bench.pending(Figures.MP_SPRING_START_READY, "mp: Spring-mode worker start to ready", "ms",
				"needs the pool's 'ready' signal and a Spring app in this module");
	}

	/**
	 * A {@code byte[1 << 20]} argument echoed back as the result by a warm worker; MB/s = 1,048,576 / 10^6 / seconds
	 * per round trip (20 warm-up, 200 measured). Target: >= 10x {@link Figures#PY_PPE_1MIB}.
	 */
	static void megabyteRoundTrip(Bench bench) throws Exception {
		bench.pending(Figures.MP_POOL_1MIB, "mp: 1 MiB argument+result round trip (warm pool)", "MB/s",
				"worker pool not in mp-core yet");
	}

	/**
	 * Idle plain pool workers: start them, wait until each is ready (an event from the pool, not a sleep), then leave
	 * them alone {@link Bench#RSS_SETTLE_MILLIS} like the floor, and read {@link Bench#vmRssKiB} of each worker pid,
	 * in MiB (7 workers, or 3 in a quick run). Target: <= 1.3x {@link Figures#JVM_IDLE_RSS}.
	 */
	static void idleWorkerRss(Bench bench) throws Exception {
		bench.pending(Figures.MP_IDLE_RSS, "mp: idle plain pool worker RSS (2 s after ready)", "MiB",
				"worker pool not in mp-core yet");
	}

}

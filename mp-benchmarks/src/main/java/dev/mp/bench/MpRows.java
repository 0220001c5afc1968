package dev.mp.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mp.ChildProcess;
import dev.mp.ManagedProcess;
import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;
import dev.mp.SerializableFunction;
import dev.mp.bench.spring.BenchApplication;
import dev.mp.bench.spring.BenchWorker;
import dev.mp.spring.child.SpringChildBootstrap;

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

	/**
	 * Fresh plain process: {@code template.process(() -> {}).start()} then {@code join()}, from the call to join's
	 * return; in turns with bare JVM starts ({@link Floors.HelloStarts}, the floor's own work, first in every other
	 * round), recorded as a floor of their own, so that both see the machine in the same state.
	 */
	static void freshProcessStartJoin(Bench bench) throws Exception {
		double[][] millis;
		try (ProcessTemplate template = new ProcessTemplate(); Floors.HelloStarts bare = new Floors.HelloStarts(bench)) {
			millis = Bench.inTurns(3, bench.reps(20), Bench.Batch.of(() -> {
				long start = System.nanoTime();
				ManagedProcess process = template.process(() -> {
				}).start();
				process.join();
				long end = System.nanoTime();
				if (process.exitCode().orElse(-1) != 0) {
					throw new IllegalStateException("mp child exited with " + process.exitCode());
				}
				return (end - start) / 1e6;
			}), Bench.Batch.of(() -> bare.sample()[1]));
		}
		bench.add(Measurement.of(Figures.JVM_HELLO_EXIT_ALTERNATED,
				"Floor: bare JVM start, 1 byte over a Unix socket, exit, in turns with the row below", "ms", millis[1])
			.withNote("the floor above, one start per mp start, before it in every other round and after it in the "
					+ "others"));
		bench.add(Measurement.of(Figures.MP_FRESH_START_JOIN, "mp: fresh process start+join (plain bootstrap)", "ms",
				millis[0]));
	}

	// ------------------------------------------------------------------------------------------------------------
	// Pool rows (issue 3). Every pool is warmed (whenWarm) before anything is timed, and closed in its row.
	// ------------------------------------------------------------------------------------------------------------

	/**
	 * Least warm-up of the call round-trip rows. Both JVMs (this one and the worker) run the call path interpreted or
	 * at C1 for a long while: on a 2-core machine the median falls from ~300 µs to ~100 µs only after about 20,000
	 * calls, once C2 has compiled serialization and framing on both sides. A warm pool serves a long-running
	 * application, so its steady state is what is measured ({@link Bench#sampleSteady} warms up further until it is
	 * steady); the first calls of a new worker are slower than the figure.
	 */
	private static final int ROUND_TRIP_WARMUP = 20_000;

	/**
	 * Least warm-up of the 1 MiB row: a new worker's heap grows for its first few hundred megabytes, each a fresh
	 * page to fault in, so the row warms up further until steady ({@link Bench#sampleSteady}).
	 */
	static final int MEGABYTE_WARMUP = 500;

	/** Round trips recorded by the 1 MiB row (and its floor). */
	static final int MEGABYTE_REPS = 200;

	/**
	 * Warm-up of the map row. Its time keeps falling long after the first maps: on a 2-core machine (2026-11-25)
	 * 9.3-10.4 M items/s after 30 maps, 24-33 M after 1,000, as C2 compiles each chunk's serialization on both sides
	 * (a chunk is one call, and 1,000 maps are 4,000 of them per core, fewer than the round trips' warm-up). The row
	 * after {@link #MAP_EARLY_WARMUP} maps shows the early figure in the same run.
	 */
	private static final int MAP_WARMUP = 1_000;

	/** Maps before the early map row. */
	private static final int MAP_EARLY_WARMUP = 30;

	/** How long a row waits for a pool to be warm before it gives up (a hang is reported, not waited out). */
	private static final long WARM_TIMEOUT_SECONDS = 120;

	/** How long one timed call may take before the row fails instead of hanging the run. */
	private static final long CALL_TIMEOUT_SECONDS = 60;

	/**
	 * Warm pool, one worker busy at a time: submit a trivial call with a small argument ({@code identity(1)}) and wait
	 * for its result. Pool of 1 worker, like Python's {@code ProcessPoolExecutor(max_workers=1)}; warm-up
	 * {@link #ROUND_TRIP_WARMUP} calls, then 5,000 round trips. Targets: <= 1.5x {@link Figures#SOCKET_PING_PONG},
	 * <= 0.2x {@link Figures#PY_PPE_ROUND_TRIP}.
	 */
	static void warmPoolRoundTrip(Bench bench) throws Exception {
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessPool pool = warmPool(template, "bench-round-trip", 1);
			Integer argument = 1;
			Bench.Steady micros = Bench.sampleSteady(bench.reps(ROUND_TRIP_WARMUP), bench.reps(5_000), () -> {
				long start = System.nanoTime();
				Integer result = pool.submit(() -> argument).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
				long end = System.nanoTime();
				check(result == 1, "identity(1) returned " + result);
				return (end - start) / 1e3;
			});
			bench.add(Measurement.of(Figures.MP_POOL_ROUND_TRIP, "mp: warm pool call round trip (trivial, small arg)",
					"µs", micros.values())
				.withNote("ProcessPool size 1, plain bootstrap; submit(() -> argument).get(), argument = 1; "
						+ micros.describe("calls")));
			pool.close();
		}
	}

	/**
	 * The same call through a {@code @WorkerProcess} bean method on the pool, from a Spring context started in this
	 * JVM (a small {@code @SpringBootApplication} in this module, {@code mp.pools.default.size=1}, {@code min-idle=1}),
	 * once its pool is warm. Same unit and counts as the warm pool row.
	 */
	static void proxyRoundTrip(Bench bench) throws Exception {
		try (ConfigurableApplicationContext context = BenchApplication.start()) {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			template.pool("default").whenWarm().get(WARM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			BenchWorker worker = context.getBean(BenchWorker.class);
			check(AopUtils.isAopProxy(worker), "BenchWorker is not proxied: @WorkerProcess is not applied");
			long workerPid = worker.pid();
			check(workerPid != ProcessHandle.current().pid(), "the @WorkerProcess call ran in the harness's own JVM");
			Bench.Steady micros = Bench.sampleSteady(bench.reps(ROUND_TRIP_WARMUP), bench.reps(5_000), () -> {
				long start = System.nanoTime();
				int result = worker.identity(1);
				long end = System.nanoTime();
				check(result == 1, "identity(1) returned " + result);
				return (end - start) / 1e3;
			});
			bench.add(Measurement.of(Figures.MP_PROXY_ROUND_TRIP, "mp: @WorkerProcess proxy round trip (warm pool)",
					"µs", micros.values())
				.withNote("pool 'default', mp.pools.default.size=1, min-idle=1, spring bootstrap; bean.identity(1); "
						+ micros.describe("calls")));
		}
	}

	/**
	 * {@code map} of 100,000 trivial items, ordered, default chunk size, pool as large as Python's {@code Pool()}
	 * (number of cores), warm workers; items/s per repetition, 10 measured after {@link #MAP_EARLY_WARMUP} maps (no
	 * target), then 10 after {@link #MAP_WARMUP} in all. Target: >= 2x {@link Figures#PY_POOL_MAP}.
	 */
	static void poolMap(Bench bench) throws Exception {
		int cores = Runtime.getRuntime().availableProcessors();
		int count = 100_000;
		List<Integer> items = IntStream.range(0, count).boxed().toList();
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessPool pool = warmPool(template, "bench-map", cores);
			SerializableFunction<Integer, Integer> increment = (i) -> i + 1;
			Bench.Sample map = () -> {
				long start = System.nanoTime();
				List<Integer> results = pool.map(increment, items);
				long end = System.nanoTime();
				check(results.size() == count && results.get(0) == 1 && results.get(count - 1) == count,
						"map returned " + results.size() + " results, not 1.." + count);
				return count / ((end - start) / 1e9);
			};
			int early = bench.reps(MAP_EARLY_WARMUP);
			double[] earlyRates = Bench.sample(early, bench.reps(10), map);
			double[] rates = Bench.sample(Math.max(0, bench.reps(MAP_WARMUP) - early - bench.reps(10)),
					bench.reps(10), map);
			String shape = "ProcessPool size " + cores + " (cores), plain bootstrap; map(i -> i + 1, 0..99,999), "
					+ "default chunk size (items / (4 x size), as Python's); after ";
			bench.add(Measurement.of(Figures.MP_POOL_MAP_EARLY, "mp: pool map of 100,000 trivial items, early",
					"items/s", earlyRates)
				.withNote(shape + early + " maps of a new pool (the JIT has not finished with either side yet)"));
			bench.add(Measurement.of(Figures.MP_POOL_MAP, "mp: pool map of 100,000 trivial items", "items/s", rates)
				.withNote(shape + bench.reps(MAP_WARMUP) + " maps in all (warm)"));
			pool.close();
		}
	}

	/**
	 * A Spring-mode worker (bootstrap mode {@code spring}) from start to ready for its first call, ms: a new 1-worker
	 * pool with the {@code default} pool's options (spring bootstrap of {@link BenchApplication}) from the Spring
	 * context's {@link ProcessTemplate}, timed from {@code pool(...)} to {@code whenWarm()} completing; a new pool name
	 * per sample, closed after it (1 warm-up, 8 measured).
	 */
	static void springWorkerStartToReady(Bench bench) throws Exception {
		try (ConfigurableApplicationContext context = BenchApplication.start()) {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			// the context warms its default pool: let that finish so that it does not share the CPU with the samples
			template.pool("default").whenWarm().get(WARM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			PoolOptions options = template.poolOptions("default").toBuilder().size(1).minIdle(1).build();
			check(SpringChildBootstrap.MODE.equals(options.processOptions().bootstrapMode()),
					"the default pool is not in spring mode: " + options.processOptions().bootstrapMode());
			AtomicInteger counter = new AtomicInteger();
			double[] millis = Bench.sample(1, bench.quick() ? 3 : 8, () -> {
				String name = "bench-spring-start-" + counter.incrementAndGet();
				long start = System.nanoTime();
				ProcessPool pool = template.pool(name, options);
				try {
					pool.whenWarm().get(WARM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
					long end = System.nanoTime();
					check(pool.workers().size() == 1 && pool.workers().get(0).isAlive(),
							"pool " + name + " is warm but its worker is not alive: " + pool.workers());
					return (end - start) / 1e6;
				}
				finally {
					pool.close();
				}
			});
			bench.add(Measurement.of(Figures.MP_SPRING_START_READY, "mp: Spring-mode worker start to ready", "ms",
					millis)
				.withNote("a new 1-worker pool with the default pool's spring options, from pool() to whenWarm(); the "
						+ "worker boots BenchApplication (1 @Component, no web server, lazy beans)"));
		}
	}

	/**
	 * A {@code byte[1 << 20]} argument echoed back as the result by a warm worker; MB/s = 1,048,576 / 10^6 / seconds
	 * per round trip ({@link #MEGABYTE_WARMUP} warm-up, 200 measured). Target: >= 10x {@link Figures#PY_PPE_1MIB}.
	 */
	static void megabyteRoundTrip(Bench bench, String interpreter) throws Exception {
		byte[] payload = new byte[1 << 20];
		new Random(42).nextBytes(payload);
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessPool pool = warmPool(template, "bench-1mib", 1);
			Bench.Sample roundTrip = () -> {
				long start = System.nanoTime();
				byte[] echoed = pool.submit(() -> payload).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
				long end = System.nanoTime();
				check(echoed.length == payload.length, "echoed " + echoed.length + " bytes, not " + payload.length);
				return payload.length / 1e6 / ((end - start) / 1e9);
			};
			Bench.Steady rates = Bench.sampleSteady(bench.reps(MEGABYTE_WARMUP), bench.reps(MEGABYTE_REPS), roundTrip);
			check(Arrays.equals(pool.submit(() -> payload).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS), payload),
					"the echoed 1 MiB differs from what was sent");
			bench.add(Measurement.of(Figures.MP_POOL_1MIB, "mp: 1 MiB argument+result round trip (warm pool)", "MB/s",
					rates.values())
				.withNote("ProcessPool size 1, plain bootstrap; submit(() -> payload).get(), payload a random "
						+ "byte[1 << 20] captured by the task and returned; 1 MiB there and back, counted once; "
						+ rates.describe("round trips")));
			megabyteInTurnsWithPython(bench, interpreter, roundTrip);
			pool.close();
		}
	}

	/** Round trips in one batch of the turns below. */
	private static final int TURN_BATCH = 20;

	/**
	 * The same warm round trips and Python's ({@code mp_bench.py --ppe-1mib-on-demand}, a warm
	 * {@code ProcessPoolExecutor(1)}) in turns, a batch of {@link #TURN_BATCH} each, Python first in every other turn:
	 * this machine's copy speed moves from minute to minute (Python's row, measured at the start of the run, gave 117
	 * to 652 MB/s in runs of one day), and a ratio of two figures taken minutes apart measured that as much as mp.
	 */
	private static void megabyteInTurnsWithPython(Bench bench, String interpreter, Bench.Sample roundTrip)
			throws Exception {
		String mpRow = "mp: 1 MiB argument+result round trip, in turns with the Python row below";
		String pythonRow = "Python: 1 MiB bytes round trip, ProcessPoolExecutor(1), in turns with the mp row above";
		if (interpreter == null) {
			bench.pending(Figures.MP_POOL_1MIB_ALTERNATED, mpRow, "MB/s", "no Python");
			bench.pending(Figures.PY_PPE_1MIB_ALTERNATED, pythonRow, "MB/s", "no Python");
			return;
		}
		int turns = Math.max(2, bench.reps(MEGABYTE_REPS) / TURN_BATCH);
		double[][] rates;
		try (PythonRows.OnDemand peer = PythonRows.OnDemand.start(bench, interpreter,
				PythonRows.PPE_1MIB_ON_DEMAND)) {
			rates = Bench.inTurns(0, turns, () -> Bench.sample(0, TURN_BATCH, roundTrip),
					() -> peer.sample(TURN_BATCH));
		}
		String note = turns + " turns of " + TURN_BATCH + " round trips each, the other side's first in every other "
				+ "turn; both warm (the mp row above, Python's after 20 round trips)";
		bench.add(Measurement.of(Figures.MP_POOL_1MIB_ALTERNATED, mpRow, "MB/s", rates[0]).withNote(note));
		bench.add(Measurement.of(Figures.PY_PPE_1MIB_ALTERNATED, pythonRow, "MB/s", rates[1]).withNote(note));
	}

	/**
	 * Idle plain pool workers: start them, wait until each is ready (an event from the pool, not a sleep), then leave
	 * them alone {@link Bench#RSS_SETTLE_MILLIS} like the floor, and read {@link Bench#vmRssKiB} of each worker pid,
	 * in MiB (7 workers, or 3 in a quick run). Target: <= 1.3x {@link Figures#JVM_IDLE_RSS}.
	 */
	static void idleWorkerRss(Bench bench) throws Exception {
		int count = bench.quick() ? 3 : 7;
		try (ProcessTemplate template = new ProcessTemplate()) {
			// all started at once, as the floor's 7 JVMs are
			ProcessPool pool = warmPool(template, "bench-idle", count);
			Thread.sleep(Bench.RSS_SETTLE_MILLIS);
			List<ChildProcess> workers = pool.workers();
			check(workers.size() == count, "the pool has " + workers.size() + " workers, not " + count);
			double[] mib = new double[count];
			for (int i = 0; i < count; i++) {
				ChildProcess worker = workers.get(i);
				check(worker.state() == ProcessState.IDLE, "worker " + worker.name() + " is " + worker.state());
				mib[i] = Bench.vmRssKiB(worker.pid()) / 1024.0;
			}
			bench.add(Measurement.of(Figures.MP_IDLE_RSS, "mp: idle plain pool worker RSS (2 s after ready)", "MiB",
					mib)
				.withNote(count + " workers of one plain pool, started together, never given a task; VmRSS "
						+ Bench.RSS_SETTLE_MILLIS + " ms after the pool was warm"));
			pool.close();
		}
	}

	/**
	 * A pool of {@code size} plain workers, all started at once and ready when this returns. Note: a worker receives the
	 * serialization allow-list when it starts, and a plain template adds a task's package to that list only when the
	 * task is submitted; the harness's tasks are in {@code dev.mp.bench}, inside the default {@code dev.mp.**}, so its
	 * pools can be warmed before the first task (a pool warmed for tasks of another package would refuse them).
	 */
	private static ProcessPool warmPool(ProcessTemplate template, String name, int size) throws Exception {
		ProcessPool pool = template.pool(name, PoolOptions.builder().size(size).minIdle(size).build());
		try {
			pool.whenWarm().get(WARM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("pool " + name + " was not warm after " + WARM_TIMEOUT_SECONDS
					+ " s; workers: " + describe(pool.workers()), ex);
		}
		List<ChildProcess> workers = pool.workers();
		check(workers.size() == size && workers.stream().allMatch(ChildProcess::isAlive),
				"pool " + name + " is warm but has " + describe(workers) + ", not " + size + " live workers");
		return pool;
	}

	private static String describe(List<ChildProcess> workers) {
		return workers.stream().map((w) -> w.name() + " pid " + w.pid() + " " + w.state()).toList().toString();
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

}

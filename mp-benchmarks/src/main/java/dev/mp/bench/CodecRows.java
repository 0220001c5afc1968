package dev.mp.bench;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.ConfigurableApplicationContext;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.bench.spring.BenchApplication;
import dev.mp.bench.spring.BenchWorker;
import dev.mp.bench.spring.Order;
import dev.mp.bench.spring.Order.LineItem;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/**
 * The fast codec's rows: the order (a record of 20 fields and 100 line items) there and back through a warm pool, a
 * {@code @WorkerProcess} bean and Python's {@code ProcessPoolExecutor(1)} (in turns), next to the codec's own cost in
 * one JVM; a task capturing an {@code int[16]} or a small record beside the {@code Integer} row; and what a fresh
 * process and a new pool worker take to their first answer with the fast codec and with the JDK codec, in turns.
 * The harness has mp-codec-fory on its class path, so its templates take the fast codec unless told otherwise.
 */
final class CodecRows {

	/** Least warm-up of the warm round trips, as {@link MpRows}'s: both JVMs' compilers must be done with the path. */
	private static final int ROUND_TRIP_WARMUP = 20_000;

	private static final long TIMEOUT_SECONDS = 120;

	/** Round trips in one batch of the turns with Python. */
	private static final int TURN_BATCH = 100;

	private CodecRows() {
	}

	/**
	 * The order there and back ({@code submit(() -> order).get()}, the task captures it and returns it) through a warm
	 * pool of 1, until steady; then in turns with Python's {@code identity(order)} through a warm
	 * {@code ProcessPoolExecutor(1)}, the order as a dict; and the codec floors: the template's codec, and the JDK
	 * codec, encoding and decoding the order twice (there and back) in this JVM.
	 */
	static void orderRoundTrip(Bench bench, String interpreter) throws Exception {
		Order order = Order.sample();
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessPool pool = warmPool(template, "bench-order");
			Bench.Sample roundTrip = () -> {
				long start = System.nanoTime();
				Order back = pool.submit(() -> order).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				long end = System.nanoTime();
				check(back.items().size() == 100, "the order came back with " + back.items().size() + " items");
				return (end - start) / 1e3;
			};
			Bench.Steady micros = Bench.sampleSteady(bench.reps(ROUND_TRIP_WARMUP), bench.reps(5_000), roundTrip);
			check(order.equals(pool.submit(() -> order).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)),
					"the order came back different");
			bench.add(Measurement.of(Figures.MP_POOL_ORDER, "mp: warm pool round trip of the order", "µs",
					micros.values())
				.withNote("ProcessPool size 1, plain bootstrap, codec " + template.codecName() + "; submit(() -> "
						+ "order).get(), the order (20 fields, 100 line items) captured and returned; "
						+ micros.describe("calls")));
			orderInTurnsWithPython(bench, interpreter, roundTrip);
			pool.close();
			codecFloor(bench, template.codecName(), order);
		}
	}

	private static void orderInTurnsWithPython(Bench bench, String interpreter, Bench.Sample roundTrip)
			throws Exception {
		String mpRow = "mp: warm pool round trip of the order, in turns with the Python row below";
		String pythonRow = "Python: ProcessPoolExecutor(1) round trip of the order as a dict, in turns with the mp row "
				+ "above";
		if (interpreter == null) {
			bench.pending(Figures.MP_POOL_ORDER_ALTERNATED, mpRow, "µs", "no Python");
			bench.pending(Figures.PY_PPE_ORDER_ALTERNATED, pythonRow, "µs", "no Python");
			return;
		}
		int turns = bench.reps(20);
		double[][] micros;
		try (PythonRows.OnDemand peer = PythonRows.OnDemand.start(bench, interpreter,
				PythonRows.PPE_ORDER_ON_DEMAND)) {
			micros = Bench.inTurns(0, turns, () -> Bench.sample(0, TURN_BATCH, roundTrip),
					() -> peer.sample(TURN_BATCH));
		}
		String note = turns + " turns of " + TURN_BATCH + " round trips each, the other side's first in every other "
				+ "turn; both warm (the mp row above, Python's after 1,000 round trips); Python: submit(identity, "
				+ "order).result(), the order a dict of the same 20 fields, 100 line items as dicts, Decimal, datetime "
				+ "and date where Java has BigDecimal, Instant and LocalDate";
		bench.add(Measurement.of(Figures.MP_POOL_ORDER_ALTERNATED, mpRow, "µs", micros[0]).withNote(note));
		bench.add(Measurement.of(Figures.PY_PPE_ORDER_ALTERNATED, pythonRow, "µs", micros[1]).withNote(note));
	}

	/** The template's codec as it builds it, and the JDK codec, there and back in this JVM: what no IPC costs. */
	private static void codecFloor(Bench bench, String codecName, Order order) throws Exception {
		ClassAllowList allowList = ClassAllowList.withDefaults(List.of());
		JavaSerializationCodec java = new JavaSerializationCodec(allowList, "", 64 << 20);
		CodecProvider provider = ServiceLoader.load(CodecProvider.class).stream()
			.map(ServiceLoader.Provider::get)
			.filter((candidate) -> candidate.name().equals(codecName))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no codec provider named " + codecName));
		Codec chosen = provider.create(new CodecSettings(allowList::allowsNamed, "", 64 << 20, java,
				CodecRows.class.getClassLoader()));
		for (Codec codec : List.of(chosen, java)) {
			boolean fast = codec == chosen;
			Bench.Steady micros = Bench.sampleSteady(bench.reps(fast ? ROUND_TRIP_WARMUP : 2_000),
					bench.reps(fast ? 5_000 : 1_000), () -> {
						long start = System.nanoTime();
						Object there = codec.decode(codec.encode(order), CodecRows.class.getClassLoader());
						Object back = codec.decode(codec.encode(there), CodecRows.class.getClassLoader());
						long end = System.nanoTime();
						check(back instanceof Order, "decoded a " + back.getClass());
						return (end - start) / 1e3;
					});
			bench.add(Measurement.of(fast ? Figures.CODEC_ORDER : Figures.CODEC_ORDER_JAVA,
					"Floor: the order there and back through the " + (fast ? codecName : "JDK") + " codec, one JVM",
					"µs", micros.values())
				.withNote("encode, decode, encode, decode of the order in this JVM, no IPC: the codec's share of a "
						+ "round trip" + (fast ? ", built as the template builds it (mp's allow-list, the JDK codec as "
								+ "its fallback)" : "") + "; " + micros.describe("round trips")));
		}
	}

	/** The order there and back through a {@code @WorkerProcess} bean method ({@link BenchWorker#echo}), warm. */
	static void orderThroughProxy(Bench bench) throws Exception {
		Order order = Order.sample();
		try (ConfigurableApplicationContext context = BenchApplication.start()) {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			template.pool("default").whenWarm().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			BenchWorker worker = context.getBean(BenchWorker.class);
			Bench.Steady micros = Bench.sampleSteady(bench.reps(ROUND_TRIP_WARMUP), bench.reps(5_000), () -> {
				long start = System.nanoTime();
				Order back = worker.echo(order);
				long end = System.nanoTime();
				check(back.items().size() == 100, "the order came back with " + back.items().size() + " items");
				return (end - start) / 1e3;
			});
			bench.add(Measurement.of(Figures.MP_PROXY_ORDER, "mp: @WorkerProcess round trip of the order (warm pool)",
					"µs", micros.values())
				.withNote("as the @WorkerProcess row, codec " + template.codecName() + "; bean.echo(order); "
						+ micros.describe("calls")));
		}
	}

	/**
	 * A task capturing an {@code int[16]}, and one capturing a small record (3 fields), each returned, through a warm
	 * pool of 1, beside the {@code Integer} row ({@link Figures#MP_POOL_ROUND_TRIP}).
	 */
	static void smallValuesRoundTrip(Bench bench) throws Exception {
		int[] ints = new int[16];
		LineItem item = new LineItem("SKU-1", 2, new BigDecimal("19.99"));
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessPool pool = warmPool(template, "bench-small-values");
			Bench.Steady arrayMicros = Bench.sampleSteady(bench.reps(ROUND_TRIP_WARMUP), bench.reps(5_000), () -> {
				long start = System.nanoTime();
				int[] back = pool.submit(() -> ints).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				long end = System.nanoTime();
				check(back.length == 16, "the int[16] came back with " + back.length + " elements");
				return (end - start) / 1e3;
			});
			Bench.Steady recordMicros = Bench.sampleSteady(bench.reps(ROUND_TRIP_WARMUP), bench.reps(5_000), () -> {
				long start = System.nanoTime();
				LineItem back = pool.submit(() -> item).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				long end = System.nanoTime();
				check(back.quantity() == 2, "the record came back as " + back);
				return (end - start) / 1e3;
			});
			String shape = "ProcessPool size 1, plain bootstrap, codec " + template.codecName() + "; submit(() -> "
					+ "value).get(), ";
			bench.add(Measurement.of(Figures.MP_POOL_INT16, "mp: warm pool round trip capturing an int[16]", "µs",
					arrayMicros.values())
				.withNote(shape + "an int[16] captured and returned; " + arrayMicros.describe("calls")));
			bench.add(Measurement.of(Figures.MP_POOL_RECORD, "mp: warm pool round trip capturing a small record", "µs",
					recordMicros.values())
				.withNote(shape + "a record of a String, an int and a BigDecimal captured and returned; "
						+ recordMicros.describe("calls")));
			pool.close();
		}
	}

	/**
	 * Start to first answer with the fast codec and with the JDK codec, in turns, a small record there and back so
	 * that the codec is in use: a fresh process ({@code submit(task).get()}) and a new pool's one worker (from
	 * {@code pool(...)} to the task's answer). Each codec has a template and a cache directory of its own, whose
	 * class-data archive is recorded before anything is timed.
	 */
	static void firstAnswer(Bench bench) throws Exception {
		LineItem item = new LineItem("SKU-1", 2, new BigDecimal("19.99"));
		try (ProcessTemplate fast = templateWithArchive(bench, "fory", item);
				ProcessTemplate java = templateWithArchive(bench, "java", item)) {
			double[][] fresh = Bench.inTurns(2, bench.reps(20), Bench.Batch.of(() -> freshFirstAnswer(fast, item)),
					Bench.Batch.of(() -> freshFirstAnswer(java, item)));
			AtomicInteger names = new AtomicInteger();
			double[][] pooled = Bench.inTurns(2, bench.reps(20),
					Bench.Batch.of(() -> poolFirstAnswer(fast, item, names)),
					Bench.Batch.of(() -> poolFirstAnswer(java, item, names)));
			String note = "a small record captured and returned, so that the codec is in use both ways; each codec's "
					+ "template has a cache directory of its own, whose class-data archive is recorded before timing; "
					+ "in turns with the row of the other codec, which goes first in every other turn";
			bench.add(Measurement.of(Figures.MP_FRESH_FIRST_ANSWER_JAVA,
					"mp: fresh process start to first answer, JDK codec", "ms", fresh[1])
				.withNote("template.submit(() -> record).get(); " + note));
			bench.add(Measurement.of(Figures.MP_FRESH_FIRST_ANSWER,
					"mp: fresh process start to first answer, codec " + fast.codecName(), "ms", fresh[0])
				.withNote("the same with the fast codec"));
			bench.add(Measurement.of(Figures.MP_WORKER_FIRST_ANSWER_JAVA,
					"mp: new pool worker start to first answer, JDK codec", "ms", pooled[1])
				.withNote("a new 1-worker plain pool per start, from pool() to the answer of its first "
						+ "submit(() -> record); " + note));
			bench.add(Measurement.of(Figures.MP_WORKER_FIRST_ANSWER,
					"mp: new pool worker start to first answer, codec " + fast.codecName(), "ms", pooled[0])
				.withNote("the same with the fast codec"));
		}
	}

	/** A template with that codec and a cache directory of its own, whose archive its first call has recorded. */
	private static ProcessTemplate templateWithArchive(Bench bench, String codec, LineItem item) throws Exception {
		Path cache = bench.scratch().resolve("cache-codec-" + codec);
		ProcessTemplate template = ProcessTemplate.builder()
			.codec(codec)
			.defaults(ProcessOptions.builder().cacheDirectory(cache).build())
			.build();
		try {
			freshFirstAnswer(template, item);
			StartRows.awaitArchive(cache.resolve("cds"));
			return template;
		}
		catch (Exception | Error ex) {
			template.close();
			throw ex;
		}
	}

	private static double freshFirstAnswer(ProcessTemplate template, LineItem item) throws Exception {
		long start = System.nanoTime();
		LineItem back = template.submit(() -> item).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		long end = System.nanoTime();
		check(item.equals(back), "the record came back as " + back);
		return (end - start) / 1e6;
	}

	private static double poolFirstAnswer(ProcessTemplate template, LineItem item, AtomicInteger names)
			throws Exception {
		String name = "bench-first-answer-" + names.incrementAndGet();
		long start = System.nanoTime();
		ProcessPool pool = template.pool(name, PoolOptions.builder().size(1).build());
		try {
			LineItem back = pool.submit(() -> item).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			long end = System.nanoTime();
			check(item.equals(back), "the record came back as " + back);
			return (end - start) / 1e6;
		}
		finally {
			pool.close();
		}
	}

	private static ProcessPool warmPool(ProcessTemplate template, String name) throws Exception {
		ProcessPool pool = template.pool(name, PoolOptions.builder().size(1).minIdle(1).build());
		pool.whenWarm().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		return pool;
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

}

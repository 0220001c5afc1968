package dev.mp.bench;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Python 3 {@code multiprocessing} on the same work, when a Python 3 exists. The script {@code mp_bench.py} (shipped at
 * the root of this jar, source in {@code src/main/python}) times everything inside Python with
 * {@code time.perf_counter_ns} and prints raw samples as JSON; this class only starts it and folds the samples in.
 * <p>
 * The interpreter: {@code -Dmp.bench.python=/path/to/python3} or the {@code MP_BENCH_PYTHON} environment variable if
 * set, otherwise {@code python3} on the PATH resolved ONCE to its real binary with
 * {@code python3 -c 'import sys; print(sys.executable)'} (a pyenv shim on the PATH adds ~0.5 s to every start; the
 * spawn figure must not pay that, and Python's own children use {@code sys.executable} anyway).
 */
final class PythonRows {

	private static final String SCRIPT = "mp_bench.py";

	private static final long TIMEOUT_MINUTES = 4;

	/** {@link OnDemand} mode: a batch of spawn start+joins per request, in ms. */
	static final String SPAWN_ON_DEMAND = "--spawn-on-demand";

	/** {@link OnDemand} mode: a batch of {@code ProcessPoolExecutor(1)} 1 MiB round trips per request, in MB/s. */
	static final String PPE_1MIB_ON_DEMAND = "--ppe-1mib-on-demand";

	/** {@link OnDemand} mode: a batch of {@code ProcessPoolExecutor(1)} round trips of the order, in µs. */
	static final String PPE_ORDER_ON_DEMAND = "--ppe-order-on-demand";

	private PythonRows() {
	}

	/** The real interpreter, or {@code null} (with the reason on stderr) when there is no usable Python 3. */
	static String resolveInterpreter() {
		String configured = System.getProperty("mp.bench.python", System.getenv("MP_BENCH_PYTHON"));
		String candidate = (configured != null && !configured.isBlank()) ? configured : "python3";
		try {
			Process process = new ProcessBuilder(candidate, "-c",
					"import sys; assert sys.version_info[0] == 3; print(sys.executable)")
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			process.getOutputStream().close();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				System.err.println("  " + candidate + " did not answer; Python rows skipped");
				return null;
			}
			if (process.exitValue() != 0 || out.isEmpty()) {
				System.err.println("  " + candidate + " is not a usable Python 3; Python rows skipped");
				return null;
			}
			return out;
		}
		catch (IOException ex) {
			System.err.println("  no " + candidate + " (" + ex.getMessage() + "); Python rows skipped");
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/** Runs the script with {@code python} and adds its figures (only the synchronization ones if {@code syncOnly}). */
	@SuppressWarnings("unchecked")
	static String run(Bench bench, String python, boolean syncOnly, boolean startOnly) throws Exception {
		Path script = extractScript(bench.outputDirectory());
		List<String> command = new ArrayList<>(List.of(python, script.toString()));
		if (bench.quick()) {
			command.add("--quick");
		}
		if (syncOnly) {
			command.add("--sync-only");
		}
		if (startOnly) {
			command.add("--start-only");
		}
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		String out;
		try {
			process.getOutputStream().close();
			CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
			if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
				throw new IOException(SCRIPT + " did not finish within " + TIMEOUT_MINUTES + " minutes");
			}
			out = new String(stdout.get(), StandardCharsets.UTF_8).trim();
			if (process.exitValue() != 0) {
				throw new IOException(SCRIPT + " exited with " + process.exitValue());
			}
		}
		finally {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
		String json = out.substring(out.lastIndexOf('\n') + 1); // the JSON is the last line
		Map<String, Object> root = (Map<String, Object>) MiniJson.parse(json);
		Map<String, Object> info = (Map<String, Object>) root.get("python");
		Map<String, Object> figures = (Map<String, Object>) root.get("figures");
		String startMethod = (String) info.get("default_start_method");
		if (startOnly) {
			bench.add(figure(figures, "spawn_start_join", Figures.PY_SPAWN_START_JOIN,
					"Python: Process start+join, spawn"));
			return info.get("implementation") + " " + info.get("version") + " (" + info.get("executable") + ")";
		}
		if (figures.containsKey("ppe_roundtrip")) { // absent in a --sync-only run
			bench.add(figure(figures, "ppe_roundtrip", Figures.PY_PPE_ROUND_TRIP,
					"Python: ProcessPoolExecutor(1) submit/result round trip")
				.withNote("start method " + startMethod + "; identity(1)"));
			Map<String, Object> map = (Map<String, Object>) figures.get("pool_map");
			bench.add(figure(figures, "pool_map", Figures.PY_POOL_MAP, "Python: Pool.map of 100,000 trivial items")
				.withNote("Pool() = " + number(map.get("processes")) + " processes, start method " + startMethod
						+ ", default chunksize"));
			bench.add(figure(figures, "spawn_start_join", Figures.PY_SPAWN_START_JOIN,
					"Python: Process start+join, spawn"));
			bench.add(figure(figures, "ppe_1mib", Figures.PY_PPE_1MIB,
					"Python: 1 MiB bytes round trip, ProcessPoolExecutor(1)")
				.withNote("start method " + startMethod + "; 1 MiB there and back, counted once"));
		}
		addSyncFigures(bench, figures);
		return info.get("implementation") + " " + info.get("version") + " (" + info.get("executable") + ")";
	}

	/** The synchronization figures (spawn context), described as in {@code mp_bench.py}'s docstring. */
	private static void addSyncFigures(Bench bench, Map<String, Object> figures) {
		bench.add(figure(figures, "lock_child", Figures.PY_LOCK_CHILD,
				"Python: Lock acquire+release, uncontended, in a child")
			.withNote("spawn; lock.acquire(); lock.release() in batches of 10,000, timed inside the child"));
		bench.add(figure(figures, "lock_parent", Figures.PY_LOCK_PARENT,
				"Python: Lock acquire+release, uncontended, in the parent"));
		bench.add(figure(figures, "lock_handoff", Figures.PY_LOCK_HANDOFF,
				"Python: Lock hand-off between 2 processes (turn variable)")
			.withNote("spawn; a Lock and a RawValue('i') turn; each process takes the lock and passes the turn when it "
					+ "is its own; batches of 1,000 turns of the parent (2,000 hand-offs) timed in the parent"));
		bench.add(figure(figures, "event_pingpong", Figures.PY_EVENT_PING_PONG,
				"Python: Event set to wake-up, ping-pong / 2")
			.withNote("spawn; parent: e1.set(), e2.wait(), e2.clear(); child: e1.wait(), e1.clear(), e2.set(); "
					+ "round trip / 2"));
		bench.add(figure(figures, "queue_small", Figures.PY_QUEUE_SMALL,
				"Python: Queue of small messages (ints), parent to child")
			.withNote("spawn; Queue(); 50,000 ints per sample, timed from the consumer's handshake (it got a first "
					+ "message and set an Event) to its Event after the last"));
		bench.add(figure(figures, "queue_1mib", Figures.PY_QUEUE_1MIB,
				"Python: Queue of 1 MiB bytes messages, parent to child")
			.withNote("spawn; Queue(); 100 messages of 1 MiB bytes per sample, timed as the small messages"));
		bench.add(figure(figures, "counter_4x10k", Figures.PY_COUNTER,
				"Python: counter under a Lock, 4 processes x 10,000")
			.withNote("spawn; `with lock: counter.value += 1` on a RawValue('q'); from the start Barrier (all 4 "
					+ "ready) to the 4 done Semaphore releases; total asserted"));
	}

	/**
	 * A Python that times its figure on request, a batch at a time ({@code mp_bench.py --spawn-on-demand}: spawn
	 * start+joins; {@code --ppe-1mib-on-demand}: 1 MiB round trips; {@code --ppe-order-on-demand}: the order's round
	 * trips), so that a row can take Python's samples in turns with its own ({@link Bench#inTurns}) and both meet the
	 * machine in the same state.
	 */
	static final class OnDemand implements AutoCloseable {

		private final Process process;

		private final BufferedReader answers;

		private final Writer requests;

		private final String mode;

		private OnDemand(Process process, String mode) {
			this.mode = mode;
			this.process = process;
			this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		}

		/** Starts the script with {@code python} in {@code mode} and waits until it has warmed up. */
		static OnDemand start(Bench bench, String python, String mode) throws Exception {
			Path script = extractScript(bench.outputDirectory());
			OnDemand peer = new OnDemand(new ProcessBuilder(python, script.toString(), mode)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start(), mode);
			try {
				String ready = peer.answer();
				if (!"ready".equals(ready)) {
					throw new IOException(SCRIPT + " " + mode + " said '" + ready + "', not 'ready'");
				}
				return peer;
			}
			catch (Exception ex) {
				peer.close();
				throw ex;
			}
		}

		/** {@code count} samples, timed inside Python, in the figure's unit. */
		double[] sample(int count) throws Exception {
			this.requests.write(count + "\n");
			this.requests.flush();
			double[] values = Arrays.stream(answer().split(" ")).mapToDouble(Double::parseDouble).toArray();
			if (values.length != count) {
				throw new IOException(SCRIPT + " " + this.mode + " gave " + values.length + " samples, not " + count);
			}
			return values;
		}

		private String answer() throws Exception {
			String line = CompletableFuture.supplyAsync(() -> {
				try {
					return this.answers.readLine();
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}).get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
			if (line == null) {
				throw new IOException(SCRIPT + " " + this.mode + " ended early");
			}
			return line.trim();
		}

		@Override
		public void close() throws InterruptedException {
			try {
				this.requests.close();
			}
			catch (IOException ex) {
				// it is going anyway
			}
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly();
			}
		}

	}

	@SuppressWarnings("unchecked")
	private static Measurement figure(Map<String, Object> figures, String key, String id, String label) {
		Map<String, Object> figure = (Map<String, Object>) figures.get(key);
		if (figure == null) {
			throw new IllegalArgumentException(SCRIPT + " printed no figure '" + key + "'");
		}
		List<Object> values = (List<Object>) figure.get("samples");
		double[] samples = values.stream().mapToDouble((value) -> (Double) value).toArray();
		return Measurement.of(id, label, (String) figure.get("unit"), samples);
	}

	private static String number(Object value) {
		return (value instanceof Double d) ? Long.toString(Math.round(d)) : String.valueOf(value);
	}

	/** Copies the script from this jar (or {@code target/classes}) next to the report, where Python can run it. */
	private static Path extractScript(Path outputDirectory) throws IOException {
		Path target = outputDirectory.resolve("python").resolve(SCRIPT);
		Files.createDirectories(target.getParent());
		try (InputStream in = PythonRows.class.getResourceAsStream("/" + SCRIPT)) {
			if (in == null) {
				throw new IOException(SCRIPT + " is not on the class path (is this the packaged mp-benchmarks.jar?)");
			}
			Files.write(target, in.readAllBytes());
		}
		return target;
	}

	private static byte[] readAll(InputStream in) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}

package dev.mp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.mp.bench.floor.EchoPeer;
import dev.mp.bench.floor.EmptyMain;
import dev.mp.bench.floor.HelloOverSocket;
import dev.mp.bench.floor.IdleMain;
import dev.mp.bench.floor.SharedMemoryEchoPeer;

/**
 * The floors: what the machine and the JVM cost before mp does anything. Child JVMs run this harness's {@code java}
 * and class path with no JVM options, as mp's children do by default.
 */
final class Floors {

	/** How long a child JVM may take to connect before the figure fails (it never should). */
	private static final long CONNECT_TIMEOUT_MILLIS = 30_000;

	private static volatile int sink;

	/** How long one round trip of a floor may take before the row fails instead of hanging the run. */
	private static final long CALL_TIMEOUT_SECONDS = 60;

	private Floors() {
	}

	/** An empty {@code main}: start to exit. */
	static void emptyJvm(Bench bench) throws Exception {
		double[] millis = Bench.sample(3, bench.reps(30), () -> {
			ProcessBuilder builder = Bench.javaMain(EmptyMain.class)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD);
			long start = System.nanoTime();
			Process process = builder.start();
			int exit = process.waitFor();
			long end = System.nanoTime();
			requireZero(exit, "EmptyMain");
			return (end - start) / 1e6;
		});
		bench.add(Measurement.of(Figures.JVM_EMPTY, "Floor: bare JVM start+exit (empty main)", "ms", millis));
	}

	/** A JVM that connects to our Unix socket and writes one byte: start to byte received, and start to exit. */
	static void helloOverSocket(Bench bench) throws Exception {
		int warmup = 3;
		int reps = bench.reps(30);
		double[] toByte = new double[reps];
		double[] toExit = new double[reps];
		try (HelloStarts starts = new HelloStarts(bench)) {
			for (int i = -warmup; i < reps; i++) {
				double[] one = starts.sample();
				if (i >= 0) {
					toByte[i] = one[0];
					toExit[i] = one[1];
				}
			}
		}
		bench.add(Measurement.of(Figures.JVM_HELLO_BYTE, "Floor: bare JVM start to 1 byte over a Unix socket", "ms",
				toByte));
		bench.add(Measurement.of(Figures.JVM_HELLO_EXIT,
				"Floor: bare JVM start, 1 byte over a Unix socket, exit", "ms", toExit));
	}

	/**
	 * Bare JVM starts ({@link HelloOverSocket}) one at a time on a socket of their own, for the floor above and for rows
	 * that take their own starts in turns with these.
	 */
	static final class HelloStarts implements AutoCloseable {

		private final Path socket;

		private final ServerSocketChannel server;

		private final Selector selector;

		HelloStarts(Bench bench) throws IOException {
			this.socket = bench.scratch().resolve("hello-" + System.nanoTime() + ".sock");
			this.server = bind(this.socket);
			this.selector = Selector.open();
			this.server.configureBlocking(false);
			this.server.register(this.selector, SelectionKey.OP_ACCEPT);
		}

		/** One start: ms to its byte, and ms to its exit. */
		double[] sample() throws Exception {
			ProcessBuilder builder = Bench.javaMain(HelloOverSocket.class, this.socket.toString())
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.INHERIT);
			long start = System.nanoTime();
			Process process = builder.start();
			try (SocketChannel channel = accept(this.server, this.selector, process)) {
				ByteBuffer one = ByteBuffer.allocate(1);
				if (channel.read(one) != 1) {
					throw new IOException("HelloOverSocket closed without its byte");
				}
				long byteAt = System.nanoTime();
				int exit = process.waitFor();
				long exitAt = System.nanoTime();
				requireZero(exit, "HelloOverSocket");
				return new double[] { (byteAt - start) / 1e6, (exitAt - start) / 1e6 };
			}
			finally {
				process.destroyForcibly();
			}
		}

		@Override
		public void close() throws IOException {
			try {
				this.selector.close();
				this.server.close();
			}
			finally {
				Files.deleteIfExists(this.socket);
			}
		}

	}

	/** 64-byte messages echoed by a child JVM over a Unix socket: one round trip. */
	static void socketPingPong(Bench bench) throws Exception {
		int size = 64;
		Path socket = bench.scratch().resolve("echo.sock");
		Process process = null;
		double[] micros;
		try (ServerSocketChannel server = bind(socket); Selector selector = Selector.open()) {
			server.configureBlocking(false);
			server.register(selector, SelectionKey.OP_ACCEPT);
			process = Bench.javaMain(EchoPeer.class, socket.toString(), Integer.toString(size))
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			try (SocketChannel channel = accept(server, selector, process)) {
				ByteBuffer out = ByteBuffer.allocateDirect(size);
				ByteBuffer in = ByteBuffer.allocateDirect(size);
				for (int i = 0; i < size; i++) {
					out.put(i, (byte) i);
				}
				micros = Bench.sample(5_000, bench.reps(20_000), () -> {
					long start = System.nanoTime();
					out.clear();
					while (out.hasRemaining()) {
						channel.write(out);
					}
					in.clear();
					while (in.hasRemaining()) {
						if (channel.read(in) < 0) {
							throw new IOException("EchoPeer closed the socket");
						}
					}
					long end = System.nanoTime();
					return (end - start) / 1e3;
				});
			}
			// our side closed: the peer reads EOF and exits
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IOException("EchoPeer did not exit after EOF");
			}
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
			Files.deleteIfExists(socket);
		}
		bench.add(Measurement.of(Figures.SOCKET_PING_PONG, "Floor: Unix-socket ping-pong, 64 B, JVM to JVM", "µs",
				micros));
	}

	/**
	 * A 1 MiB array there and back through shared memory between two JVMs ({@link SharedMemoryEchoPeer}): only the
	 * copies a by-value round trip cannot avoid (into shared memory and out into a new array, each way) and spinning
	 * hand-overs; no framing, no task. The same payload, least warm-up and unit as mp's 1 MiB row, and memory where
	 * mp's is ({@code /dev/shm}, else the temporary directory).
	 */
	static void sharedMemoryMegabyte(Bench bench) throws Exception {
		int size = 1 << 20;
		byte[] payload = new byte[size];
		new Random(42).nextBytes(payload);
		Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : bench.scratch();
		Path file = Files.createTempFile(base, "mpb-floor", ".shm",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Process process = null;
		try {
			try (RandomAccessFile sized = new RandomAccessFile(file.toFile(), "rw")) {
				sized.setLength(SharedMemoryEchoPeer.DATA + 2L * size);
			}
			MappedByteBuffer memory = SharedMemoryEchoPeer.map(file, size);
			process = Bench.javaMain(SharedMemoryEchoPeer.class, file.toString(), Integer.toString(size))
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			Process peer = process;
			long[] turn = { 0 };
			byte[][] echoed = new byte[1][];
			Bench.Steady rates = Bench.sampleSteady(bench.reps(MpRows.MEGABYTE_WARMUP), bench.reps(MpRows.MEGABYTE_REPS),
					() -> {
				long call = ++turn[0];
				// each turn's payload differs, so that a stale answer would be seen
				ByteBuffer.wrap(payload).putLong(0, call);
				long start = System.nanoTime();
				memory.put(SharedMemoryEchoPeer.DATA, payload);
				SharedMemoryEchoPeer.WORDS.setVolatile(memory, SharedMemoryEchoPeer.CALL_WORD, call);
				long spins = 0;
				while ((long) SharedMemoryEchoPeer.WORDS.getVolatile(memory, SharedMemoryEchoPeer.ANSWER_WORD) != call) {
					if (++spins % 1_000_000 == 0 && (!peer.isAlive()
							|| System.nanoTime() - start > TimeUnit.SECONDS.toNanos(CALL_TIMEOUT_SECONDS))) {
						throw new IOException("SharedMemoryEchoPeer did not answer turn " + call
								+ (peer.isAlive() ? " within " + CALL_TIMEOUT_SECONDS + " s" : "; it exited"));
					}
					Thread.onSpinWait();
				}
				echoed[0] = new byte[size];
				memory.get(SharedMemoryEchoPeer.DATA + size, echoed[0]);
				long end = System.nanoTime();
				if (ByteBuffer.wrap(echoed[0]).getLong(0) != call) {
					throw new IllegalStateException("SharedMemoryEchoPeer answered turn " + call + " with another's");
				}
				return size / 1e6 / ((end - start) / 1e9);
			});
			if (!Arrays.equals(echoed[0], payload)) {
				throw new IllegalStateException("SharedMemoryEchoPeer echoed other bytes than it was given");
			}
			SharedMemoryEchoPeer.WORDS.setVolatile(memory, SharedMemoryEchoPeer.CALL_WORD, -1L);
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IOException("SharedMemoryEchoPeer did not exit when told");
			}
			bench.add(Measurement.of(Figures.SHARED_MEMORY_1MIB,
					"Floor: 1 MiB there and back through shared memory, JVM to JVM", "MB/s", rates.values())
				.withNote("byte[1 << 20] copied into a mapped file, read into a new array by the other JVM, which "
						+ "copies it back the same way; spinning on a word each way; " + rates.describe("round trips")));
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
			Files.deleteIfExists(file);
		}
	}

	/** {@code submit(() -> 1).get()} on a single-thread executor in this JVM. */
	static void executorSubmitGet(Bench bench) throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Callable<Integer> trivial = () -> 1;
			double[] micros = Bench.sample(20_000, bench.reps(100_000), () -> {
				long start = System.nanoTime();
				int value = executor.submit(trivial).get();
				long end = System.nanoTime();
				sink += value;
				return (end - start) / 1e3;
			});
			bench.add(Measurement.of(Figures.EXECUTOR_SUBMIT_GET,
					"Floor: in-process ExecutorService submit/get (1 thread)", "µs", micros));
		}
		finally {
			executor.shutdownNow();
			executor.awaitTermination(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Idle JVMs that said {@code ready} on stdout, left alone for {@link Bench#RSS_SETTLE_MILLIS}, then their VmRSS.
	 * Several are started together (memory does not depend on the CPU they share) and read after one settle time.
	 */
	static void idleJvmRss(Bench bench) throws Exception {
		int count = bench.quick() ? 3 : 7;
		List<Process> processes = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				processes.add(Bench.javaMain(IdleMain.class).redirectError(ProcessBuilder.Redirect.INHERIT).start());
			}
			for (Process process : processes) {
				awaitLine(process, IdleMain.READY);
			}
			Thread.sleep(Bench.RSS_SETTLE_MILLIS);
			double[] mib = new double[count];
			for (int i = 0; i < count; i++) {
				mib[i] = Bench.vmRssKiB(processes.get(i).pid()) / 1024.0;
			}
			for (Process process : processes) {
				process.getOutputStream().close(); // EOF on stdin: IdleMain exits
			}
			for (Process process : processes) {
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					throw new IOException("IdleMain did not exit on EOF");
				}
			}
			bench.add(Measurement.of(Figures.JVM_IDLE_RSS, "Floor: idle bare JVM RSS (VmRSS, 2 s after ready)", "MiB",
					mib));
		}
		finally {
			processes.forEach(Process::destroyForcibly);
		}
	}

	/** Reads the child's stdout until {@code expected} (EOF first means the child died: an error). */
	static void awaitLine(Process process, String expected) throws IOException {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.trim().equals(expected)) {
				return;
			}
		}
		throw new IOException("pid " + process.pid() + " ended its stdout without '" + expected + "'");
	}

	private static ServerSocketChannel bind(Path socket) throws IOException {
		Files.deleteIfExists(socket);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(socket));
		return server;
	}

	/** Accepts one connection (blocking mode), failing if the child exits or takes too long. */
	private static SocketChannel accept(ServerSocketChannel server, Selector selector, Process process)
			throws IOException {
		long deadline = System.currentTimeMillis() + CONNECT_TIMEOUT_MILLIS;
		while (true) {
			SocketChannel channel = server.accept();
			if (channel != null) {
				selector.selectedKeys().clear();
				channel.configureBlocking(true);
				return channel;
			}
			if (!process.isAlive()) {
				throw new IOException("child exited with " + process.exitValue() + " before connecting");
			}
			long left = deadline - System.currentTimeMillis();
			if (left <= 0) {
				throw new IOException("child did not connect within " + CONNECT_TIMEOUT_MILLIS + " ms");
			}
			selector.select(Math.min(left, 100));
			selector.selectedKeys().clear();
		}
	}

	private static void requireZero(int exit, String what) throws IOException {
		if (exit != 0) {
			throw new IOException(what + " exited with " + exit);
		}
	}

}

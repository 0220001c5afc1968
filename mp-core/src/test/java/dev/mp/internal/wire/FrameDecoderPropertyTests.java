package dev.mp.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.SerializationException;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Property-based tests of what mp reads from a peer: {@link FrameChannel#read()} over a real Unix domain socket, and
 * {@link JavaSerializationCodec#decode}. The cases are generated from fixed seeds (jqwik does not run on the JUnit 6
 * platform that Spring Boot 4 brings), so a failure names the seed and case that reproduce it; run other seeds with
 * {@code -Dmp.fuzz.seeds=7,8,9}.
 * <p>
 * The properties: {@code read()} never hangs once the peer has stopped writing; it returns exactly the frames a
 * reference decoder finds in the bytes, then {@code null} if the bytes ended between frames or a
 * {@link ProtocolException} if they did not (truncated, oversized, negative length, unknown type), and nothing else;
 * it never allocates more than the frame limit. {@code decode()} of any bytes returns a value or throws a
 * {@link SerializationException}, and declared arrays cannot make it allocate more than a few times its limit.
 */
class FrameDecoderPropertyTests {

	private static final long[] SEEDS = seeds();

	/** The frame limit of the channels under test: small, so oversized frames are cheap to make. */
	private static final int MAX = 1024;

	private static final int HEADER = 1 + Long.BYTES;

	private static final Duration CASE_TIMEOUT = Duration.ofSeconds(5);

	/** What reading one case may allocate at most: the limit and exceptions, not a declared length. */
	private static final long READ_ALLOCATION_LIMIT = 2L * 1024 * 1024;

	private static final HexFormat HEX = HexFormat.of();

	@TempDir
	static Path directory;

	private static ServerSocketChannel server;

	private static UnixDomainSocketAddress address;

	private static ExecutorService reader;

	private static ExecutorService writer;

	@BeforeAll
	static void listen() throws IOException {
		address = UnixDomainSocketAddress.of(directory.resolve("frames.sock"));
		server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(address);
		reader = Executors.newSingleThreadExecutor(daemon("frame-reader"));
		writer = Executors.newSingleThreadExecutor(daemon("frame-writer"));
	}

	@AfterAll
	static void close() throws IOException {
		reader.shutdownNow();
		writer.shutdownNow();
		server.close();
	}

	// ---------------------------------------------------------------------------------------------------- frames

	@Test
	void randomBytesDecodeAsTheReferenceDecoderSays() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 600; i++) {
				byte[] bytes = randomBytes(random, random.nextInt(64));
				if (i % 2 == 1 && bytes.length >= 5) {
					// a plausible length and type, so that some random inputs get past the first checks
					ByteBuffer.wrap(bytes).putInt(HEADER + random.nextInt(bytes.length)).put(knownCode(random));
				}
				checkAgainstReference(bytes, "random bytes, seed " + seed + " case " + i);
			}
		}
	}

	@Test
	void validFramesRoundTripThroughWrite() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 80; i++) {
				List<Frame> frames = randomFrames(random, 1 + random.nextInt(8));
				Outcome outcome = exchange((client) -> {
					FrameChannel out = new FrameChannel(client, MAX);
					for (Frame frame : frames) {
						out.write(frame);
					}
				});
				assertThat(outcome.frames()).as("seed %d case %d", seed, i).isEqualTo(views(frames));
				assertThat(outcome.end()).as("seed %d case %d: %s", seed, i, outcome.failure()).isEqualTo(End.CLEAN);
				// and the bytes write() put on the wire are the ones the reference encoder makes
				assertThat(decode(encode(frames)).frames()).isEqualTo(views(frames));
			}
		}
	}

	@Test
	void aPayloadOverTheLimitIsRefusedBeforeAnythingIsWritten() throws Exception {
		Frame tooBig = new Frame(FrameType.RESULT, 7, new byte[MAX + 1]);
		Frame largest = new Frame(FrameType.RESULT, 8, new byte[MAX]);
		Outcome outcome = exchange((client) -> {
			FrameChannel out = new FrameChannel(client, MAX);
			assertThatThrownBy(() -> out.write(tooBig)).isInstanceOf(ProtocolException.class)
				.hasMessageContaining("mp.protocol.max-frame-size");
			out.write(largest);
		});
		assertThat(outcome.frames()).isEqualTo(views(List.of(largest)));
		assertThat(outcome.end()).isEqualTo(End.CLEAN);
	}

	@Test
	void framesTruncatedAtEveryPositionFailUnlessCutBetweenFrames() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 4; i++) {
				List<Frame> frames = new ArrayList<>();
				for (int f = 1 + random.nextInt(3); f > 0; f--) {
					frames.add(new Frame(randomType(random), random.nextLong(), randomBytes(random, random.nextInt(24))));
				}
				byte[] bytes = encode(frames);
				for (int cut = 0; cut <= bytes.length; cut++) {
					// independent of the reference decoder: the frames wholly before the cut, then end or failure
					List<String> whole = new ArrayList<>();
					int boundary = 0;
					for (Frame frame : frames) {
						int next = boundary + Integer.BYTES + HEADER + frame.payload().length;
						if (next > cut) {
							break;
						}
						whole.add(view(frame));
						boundary = next;
					}
					String context = "seed " + seed + " case " + i + " cut at " + cut + " of " + HEX.formatHex(bytes);
					Outcome outcome = decode(Arrays.copyOf(bytes, cut));
					assertThat(outcome.frames()).as(context).isEqualTo(whole);
					assertThat(outcome.end()).as(context).isEqualTo((cut == boundary) ? End.CLEAN : End.PROTOCOL);
				}
			}
		}
	}

	@Test
	void oversizedLengthPrefixesAreRefusedWithoutAllocating() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 100; i++) {
				int length = switch (i % 4) {
					case 0 -> HEADER + MAX + 1;
					case 1 -> Integer.MAX_VALUE;
					case 2 -> HEADER + MAX + 1 + random.nextInt(Integer.MAX_VALUE - HEADER - MAX - 1);
					default -> HEADER + MAX + 1 + random.nextInt(64 * 1024);
				};
				byte[] bytes = ByteBuffer.allocate(4 + 1 + 8 + random.nextInt(64))
					.putInt(length)
					.put(knownCode(random))
					.putLong(random.nextLong())
					.array();
				Outcome outcome = checkAgainstReference(bytes, "length " + length + ", seed " + seed + " case " + i);
				assertThat(outcome.end()).isEqualTo(End.PROTOCOL);
				assertThat(outcome.failure()).hasMessageContaining("Frame length " + length);
			}
		}
		// the largest allowed frame is still read
		Frame largest = new Frame(FrameType.CALL, 1, new byte[MAX]);
		assertThat(decode(encode(List.of(largest))).frames()).isEqualTo(views(List.of(largest)));
	}

	@Test
	void negativeAndTooShortLengthsAreRefused() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 60; i++) {
				int length = switch (i % 4) {
					case 0 -> Integer.MIN_VALUE;
					case 1 -> -1 - random.nextInt(Integer.MAX_VALUE);
					case 2 -> random.nextInt(HEADER);
					default -> -1;
				};
				byte[] bytes = ByteBuffer.allocate(4 + random.nextInt(32)).putInt(length).array();
				Outcome outcome = checkAgainstReference(bytes, "length " + length + ", seed " + seed + " case " + i);
				assertThat(outcome.end()).isEqualTo(End.PROTOCOL);
			}
		}
	}

	@Test
	void everyUnknownTypeCodeIsRefusedAndEveryKnownOneRead() throws Exception {
		Random random = new Random(SEEDS[0]);
		Frame before = new Frame(FrameType.PING, 3, new byte[] { 1, 2, 3 });
		for (int code = Byte.MIN_VALUE; code <= Byte.MAX_VALUE; code++) {
			byte[] payload = randomBytes(random, random.nextInt(16));
			byte[] frame = ByteBuffer.allocate(4 + HEADER + payload.length)
				.putInt(HEADER + payload.length)
				.put((byte) code)
				.putLong(code)
				.put(payload)
				.array();
			FrameType known = referenceType((byte) code);
			for (boolean afterAValidFrame : new boolean[] { false, true }) {
				byte[] bytes = afterAValidFrame ? concat(encode(List.of(before)), frame) : frame;
				Outcome outcome = checkAgainstReference(bytes, "type code " + code);
				List<String> expected = new ArrayList<>(afterAValidFrame ? views(List.of(before)) : List.of());
				if (known != null) {
					expected.add(view(new Frame(known, code, payload)));
				}
				assertThat(outcome.frames()).isEqualTo(expected);
				assertThat(outcome.end()).isEqualTo((known != null) ? End.CLEAN : End.PROTOCOL);
				if (known == null) {
					assertThat(outcome.failure()).hasMessageContaining("Unknown frame type " + code);
				}
			}
		}
	}

	@Test
	void mutatedValidFramesDecodeAsTheReferenceDecoderSays() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 400; i++) {
				byte[] bytes = mutate(random, encode(randomFrames(random, 1 + random.nextInt(4))));
				checkAgainstReference(bytes, "mutated frames, seed " + seed + " case " + i);
			}
		}
	}

	@Test
	void garbageAfterValidFramesNeverCostsTheValidOnes() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 200; i++) {
				List<Frame> frames = randomFrames(random, 1 + random.nextInt(4));
				byte[] bytes = concat(encode(frames), randomBytes(random, 1 + random.nextInt(48)));
				Outcome outcome = checkAgainstReference(bytes, "garbage after frames, seed " + seed + " case " + i);
				assertThat(outcome.frames()).startsWith(views(frames).toArray(String[]::new));
			}
		}
	}

	@Test
	void framesDeliveredInSmallPiecesDecodeTheSame() throws Exception {
		for (long seed : SEEDS) {
			Random random = new Random(seed);
			for (int i = 0; i < 25; i++) {
				List<Frame> frames = new ArrayList<>();
				for (int f = 1 + random.nextInt(4); f > 0; f--) {
					frames.add(new Frame(randomType(random), random.nextLong(), randomBytes(random, random.nextInt(40))));
				}
				byte[] bytes = encode(frames);
				if (i % 2 == 1) {
					bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
				}
				checkAgainstReference(bytes, 1 + random.nextInt(7), "pieces, seed " + seed + " case " + i);
			}
		}
	}

	@Test
	void theReadThatIsWaitingFailsWhenTheChannelIsClosed() throws Exception {
		// a peer that stops mid-frame and stays connected holds read(); closing the channel must release it
		try (SocketChannel client = SocketChannel.open(address); SocketChannel accepted = server.accept()) {
			FrameChannel frames = new FrameChannel(accepted, MAX);
			client.write(ByteBuffer.wrap(new byte[] { 0, 0, 0, 20, FrameType.CALL.code() }));
			Future<Outcome> outcome = reader.submit(() -> readAll(frames));
			assertThatThrownBy(() -> outcome.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
			frames.close();
			assertThat(outcome.get(CASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).end()).isEqualTo(End.IO);
		}
	}

	// ----------------------------------------------------------------------------------------------------- codec

	private static final long CODEC_LIMIT = 1024 * 1024;

	private final JavaSerializationCodec codec = new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()),
			"add it to mp.serialization.allowed-classes", CODEC_LIMIT);

	@Test
	void validValuesRoundTripThroughTheCodec() {
		for (Object value : corpus()) {
			Object decoded = this.codec.decode(this.codec.encode(value), getClass().getClassLoader());
			if (value instanceof int[] ints) {
				assertThat((int[]) decoded).isEqualTo(ints);
			}
			else if (!(value instanceof Throwable)) {
				assertThat(decoded).isEqualTo(value);
			}
		}
	}

	@Test
	void randomAndMutatedStreamsOnlyEverFailWithSerializationException() {
		List<byte[]> valid = corpus().stream().map(this.codec::encode).filter((b) -> b.length < 64 * 1024).toList();
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			for (long seed : SEEDS) {
				Random random = new Random(seed);
				for (int i = 0; i < 1500; i++) {
					byte[] bytes = switch (i % 6) {
						case 0 -> randomBytes(random, random.nextInt(128));
						case 1 -> concat(new byte[] { (byte) 0xac, (byte) 0xed, 0, 5 },
								randomStreamTokens(random, random.nextInt(64)));
						default -> mutate(random, valid.get(random.nextInt(valid.size())));
					};
					String context = "seed " + seed + " case " + i;
					// arrays together may take up to 8 times the limit (see JavaSerializationCodec), plus slack
					decodeChecked(bytes, context, 9 * CODEC_LIMIT);
				}
			}
		});
	}

	@Test
	void aStreamDeclaringAHundredMillionLongsIsRefusedBeforeAllocating() throws IOException {
		Stream stream = new Stream().arrayOf(long[].class, 100_000_000);
		for (int i = 0; i < 16; i++) {
			stream.data.writeLong(i);
		}
		Throwable failure = decodeChecked(stream.bytes(), "long[100_000_000]", 16 * 1024 * 1024);
		assertThat(failure).isInstanceOf(SerializationException.class)
			.hasRootCauseInstanceOf(InvalidClassException.class)
			.hasMessageContaining("REJECTED");
	}

	@Test
	void arraysNestedInArraysCannotTogetherTakeMoreThanTheLimitAllows() throws IOException {
		// each Object[200_000] is under the limit alone; a hundred of them, each the first element of the one before,
		// are all allocated before any completes: 80 MB of heap from 1 kB of stream
		Stream stream = new Stream().arrayOf(Object[].class, 200_000);
		for (int i = 1; i < 100; i++) {
			stream.data.writeByte(0x75); // TC_ARRAY
			stream.data.writeByte(0x71); // TC_REFERENCE to the class descriptor
			stream.data.writeInt(0x7e0000);
			stream.data.writeInt(200_000);
		}
		Throwable failure = decodeChecked(stream.bytes(), "Object[] chain", 16 * CODEC_LIMIT);
		assertThat(failure).isInstanceOf(SerializationException.class).hasMessageContaining("REJECTED");
	}

	@Test
	void aClassThatCannotBeLoadedIsASerializationException() throws IOException {
		// on the class path, but a class it needs is not: the JVM throws NoClassDefFoundError while loading it
		ClassLoader broken = new ClassLoader(getClass().getClassLoader()) {
			@Override
			protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
				if (name.equals("dev.mp.internal.wire.NeedsAMissingLibrary")) {
					throw new NoClassDefFoundError("com/example/MissingLibrary");
				}
				return super.loadClass(name, resolve);
			}
		};
		byte[] bytes = new Stream().object("dev.mp.internal.wire.NeedsAMissingLibrary", 1L).bytes();
		assertThatThrownBy(() -> this.codec.decode(bytes, broken)).isInstanceOf(SerializationException.class)
			.hasMessageContaining("MissingLibrary");
	}

	@Test
	void aClassWhoseInitializerFailsIsASerializationException() throws IOException {
		byte[] bytes = new Stream().object(Exploding.class.getName(), Exploding.serialVersionUID).bytes();
		for (int i = 0; i < 2; i++) {
			// the first time ExceptionInInitializerError, after that NoClassDefFoundError
			assertThatThrownBy(() -> this.codec.decode(bytes, getClass().getClassLoader()))
				.isInstanceOf(SerializationException.class);
		}
	}

	@Test
	void valuesNestedDeeperThanTheReadingThreadsStackAreASerializationException() throws Exception {
		byte[] deep = onThread(64L << 20, () -> this.codec.encode(nestedMaps(900)));
		byte[] shallow = this.codec.encode(nestedMaps(20));
		AtomicReference<Throwable> deepFailure = new AtomicReference<>();
		Object shallowValue = onThread(256 * 1024, () -> {
			try {
				this.codec.decode(deep, getClass().getClassLoader());
			}
			catch (Throwable ex) {
				deepFailure.set(ex);
			}
			return this.codec.decode(shallow, getClass().getClassLoader());
		});
		assertThat(deepFailure.get()).isInstanceOf(SerializationException.class);
		assertThat(shallowValue).isEqualTo(nestedMaps(20));
	}

	/** Allowed (dev.mp.**), but can never be initialized. */
	static final class Exploding implements Serializable {

		private static final long serialVersionUID = 1L;

		static {
			explode();
		}

		private static void explode() {
			throw new IllegalStateException("this class cannot be initialized");
		}

	}

	// --------------------------------------------------------------------------------------------- frame harness

	enum End {

		/** {@code read()} returned {@code null}. */
		CLEAN,

		/** {@code read()} threw {@link ProtocolException}. */
		PROTOCOL,

		/** {@code read()} threw {@link IOException}. */
		IO,

		/** {@code read()} threw anything else: never allowed. */
		UNEXPECTED

	}

	/** What reading a channel to its end gave: frames as {@link #view(Frame)} strings, and how it ended. */
	record Outcome(List<String> frames, End end, Throwable failure) {

		boolean sameAs(Outcome other) {
			return this.frames.equals(other.frames) && this.end == other.end;
		}

		@Override
		public String toString() {
			return this.frames + " then " + this.end + ((this.failure != null) ? " (" + this.failure + ")" : "");
		}

	}

	private interface ClientAction {

		void run(SocketChannel client) throws Exception;

	}

	private static Outcome checkAgainstReference(byte[] bytes, String context) throws Exception {
		return checkAgainstReference(bytes, Integer.MAX_VALUE, context);
	}

	private static Outcome checkAgainstReference(byte[] bytes, int piece, String context) throws Exception {
		Outcome expected = reference(bytes);
		Outcome actual = decode(bytes, piece);
		if (actual.end() == End.UNEXPECTED || !actual.sameAs(expected)) {
			fail(context + ": reading " + HEX.formatHex(bytes) + " gave " + actual + ", expected " + expected,
					actual.failure());
		}
		if (actual.end() == End.PROTOCOL) {
			assertThat(actual.failure()).as(context).isExactlyInstanceOf(ProtocolException.class);
		}
		return actual;
	}

	private static Outcome decode(byte[] bytes) throws Exception {
		return decode(bytes, Integer.MAX_VALUE);
	}

	/**
	 * Writes the bytes, in pieces of the given size, from a peer that then shuts its output, and reads them with a
	 * {@link FrameChannel}.
	 */
	private static Outcome decode(byte[] bytes, int piece) throws Exception {
		return exchange((client) -> {
			for (int offset = 0; offset < bytes.length; offset += piece) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, Math.min(piece, bytes.length - offset));
				while (buffer.hasRemaining()) {
					client.write(buffer);
				}
				if (piece < bytes.length) {
					LockSupport.parkNanos(20_000); // let the reader see a partial frame
				}
			}
		});
	}

	private static Outcome exchange(ClientAction peer) throws Exception {
		try (SocketChannel client = SocketChannel.open(address); SocketChannel accepted = server.accept()) {
			FrameChannel frames = new FrameChannel(accepted, MAX);
			Future<?> written = writer.submit(() -> {
				try {
					peer.run(client);
				}
				finally {
					client.shutdownOutput();
				}
				return null;
			});
			Future<Outcome> read = reader.submit(() -> readAll(frames));
			try {
				Outcome outcome = read.get(CASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				written.get(CASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				return outcome;
			}
			catch (TimeoutException ex) {
				client.close();
				accepted.close();
				throw new AssertionError("read() did not return within " + CASE_TIMEOUT + " of the peer's last byte");
			}
			catch (ExecutionException ex) {
				throw new AssertionError("the peer failed", ex.getCause());
			}
		}
	}

	/** Reads to the end, on the reader thread, checking what each case allocates there. */
	private static Outcome readAll(FrameChannel channel) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
		List<String> frames = new ArrayList<>();
		Outcome outcome;
		while (true) {
			Frame frame;
			try {
				frame = channel.read();
			}
			catch (ProtocolException ex) {
				outcome = new Outcome(frames, End.PROTOCOL, ex);
				break;
			}
			catch (IOException ex) {
				outcome = new Outcome(frames, End.IO, ex);
				break;
			}
			catch (Throwable ex) {
				outcome = new Outcome(frames, End.UNEXPECTED, ex);
				break;
			}
			if (frame == null) {
				try {
					outcome = (channel.read() == null) ? new Outcome(frames, End.CLEAN, null)
							: new Outcome(frames, End.UNEXPECTED, new AssertionError("a frame after the end"));
				}
				catch (Throwable ex) {
					outcome = new Outcome(frames, End.UNEXPECTED, ex);
				}
				break;
			}
			frames.add(view(frame));
		}
		long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
		if (allocated > READ_ALLOCATION_LIMIT && outcome.end() != End.UNEXPECTED) {
			return new Outcome(frames, End.UNEXPECTED,
					new AssertionError("reading allocated " + allocated + " bytes; the frame limit is " + MAX));
		}
		return outcome;
	}

	/** What a correct decoder makes of the bytes, written from the wire format alone. */
	private static Outcome reference(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		List<String> frames = new ArrayList<>();
		while (buffer.hasRemaining()) {
			if (buffer.remaining() < Integer.BYTES) {
				return new Outcome(frames, End.PROTOCOL, null);
			}
			int length = buffer.getInt();
			if (length < HEADER || length - HEADER > MAX || buffer.remaining() < 1) {
				return new Outcome(frames, End.PROTOCOL, null);
			}
			FrameType type = referenceType(buffer.get());
			if (type == null || buffer.remaining() < length - 1) {
				return new Outcome(frames, End.PROTOCOL, null);
			}
			long correlationId = buffer.getLong();
			byte[] payload = new byte[length - HEADER];
			buffer.get(payload);
			frames.add(view(new Frame(type, correlationId, payload)));
		}
		return new Outcome(frames, End.CLEAN, null);
	}

	private static FrameType referenceType(byte code) {
		return EnumSet.allOf(FrameType.class).stream().filter((t) -> t.code() == code).findFirst().orElse(null);
	}

	private static byte[] encode(List<Frame> frames) {
		ByteBuffer buffer = ByteBuffer
			.allocate(frames.stream().mapToInt((f) -> Integer.BYTES + HEADER + f.payload().length).sum());
		for (Frame frame : frames) {
			buffer.putInt(HEADER + frame.payload().length)
				.put(frame.type().code())
				.putLong(frame.correlationId())
				.put(frame.payload());
		}
		return buffer.array();
	}

	private static String view(Frame frame) {
		return frame.type() + "#" + frame.correlationId() + ":" + HEX.formatHex(frame.payload());
	}

	private static List<String> views(List<Frame> frames) {
		return frames.stream().map(FrameDecoderPropertyTests::view).collect(Collectors.toList());
	}

	private static List<Frame> randomFrames(Random random, int count) {
		List<Frame> frames = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long correlationId = switch (random.nextInt(5)) {
				case 0 -> 0;
				case 1 -> Long.MIN_VALUE;
				case 2 -> Long.MAX_VALUE;
				default -> random.nextLong();
			};
			int size = switch (random.nextInt(6)) {
				case 0 -> 0;
				case 1 -> MAX;
				default -> random.nextInt(64);
			};
			frames.add(new Frame(randomType(random), correlationId, randomBytes(random, size)));
		}
		return frames;
	}

	private static FrameType randomType(Random random) {
		FrameType[] types = FrameType.values();
		return types[random.nextInt(types.length)];
	}

	private static byte knownCode(Random random) {
		return randomType(random).code();
	}

	// ---------------------------------------------------------------------------------------------- codec harness

	/**
	 * Decodes on this thread and checks that it returned or threw {@link SerializationException}, allocating at most
	 * the given bytes.
	 * @return what it threw, or {@code null}
	 */
	private Throwable decodeChecked(byte[] bytes, String context, long allocationLimit) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
		Throwable failure = null;
		try {
			this.codec.decode(bytes, getClass().getClassLoader());
		}
		catch (Throwable ex) {
			failure = ex;
		}
		long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
		if (failure != null && !(failure instanceof SerializationException)) {
			fail(context + ": decoding " + HEX.formatHex(bytes) + " threw " + failure, failure);
		}
		assertThat(allocated).as("%s: bytes allocated decoding a stream of %d bytes", context, bytes.length)
			.isLessThanOrEqualTo(allocationLimit);
		return failure;
	}

	private static List<Object> corpus() {
		HashMap<Integer, Integer> sparse = new HashMap<>(16, 0.25f);
		IntStream.range(0, 30_000).forEach((i) -> sparse.put(i, i));
		List<Object> corpus = new ArrayList<>();
		corpus.add("hello, world");
		corpus.add(42L);
		corpus.add(List.of(1, 2, 3));
		corpus.add(new ArrayList<>(List.of(1, 2L, "three", 4.0)));
		corpus.add(new HashMap<>(Map.of("a", List.of(1, 2), "b", Set.of("x"))));
		corpus.add(new TreeMap<>(Map.of(3, "c", 1, "a")));
		corpus.add(new LinkedHashMap<>(Map.of("k", Boolean.TRUE)));
		corpus.add(new int[] { 1, 2, 3, -1 });
		corpus.add(LocalDate.of(2024, 2, 29));
		corpus.add(Instant.ofEpochSecond(1_700_000_000L, 5));
		corpus.add(new BigDecimal("3.14159265358979323846"));
		corpus.add(BigInteger.TWO.pow(200));
		corpus.add(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
		corpus.add(new IllegalStateException("boom", new IllegalArgumentException("cause")));
		corpus.add(Map.of("k", Map.of("k2", List.of(Map.of()))));
		corpus.add(nestedMaps(30));
		corpus.add(IntStream.range(0, 200_000).toArray()); // a large legitimate array: 800 kB of 1 MiB
		corpus.add(sparse); // a hash table with 4 slots per mapping
		return corpus;
	}

	private static Object nestedMaps(int depth) {
		Object value = "bottom";
		for (int i = 0; i < depth; i++) {
			value = new HashMap<>(Map.of("k", value));
		}
		return value;
	}

	/** Mutates a copy: bit flips, byte replacements, interesting values, insertions, deletions, truncation. */
	private static byte[] mutate(Random random, byte[] original) {
		byte[] bytes = original.clone();
		for (int n = 1 + random.nextInt(3); n > 0 && bytes.length > 0; n--) {
			int at = random.nextInt(bytes.length);
			switch (random.nextInt(7)) {
				case 0, 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
				case 2 -> bytes[at] = (byte) random.nextInt(256);
				case 3 -> {
					int[] interesting = { 0, 0x7fffffff, 0x80000000, 0xffffffff, 100_000_000, 0x7e0000, 0x7e0001 };
					if (at + 4 <= bytes.length) {
						ByteBuffer.wrap(bytes, at, 4).putInt(interesting[random.nextInt(interesting.length)]);
					}
				}
				case 4 -> {
					byte[] inserted = randomStreamTokens(random, 1 + random.nextInt(8));
					bytes = concat(concat(Arrays.copyOf(bytes, at), inserted),
							Arrays.copyOfRange(bytes, at, bytes.length));
				}
				case 5 -> bytes = concat(Arrays.copyOf(bytes, at),
						Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
				default -> bytes = Arrays.copyOf(bytes, at);
			}
		}
		return bytes;
	}

	/** Random bytes biased towards serialization stream tokens (TC_NULL to TC_ENUM), so parsing gets further. */
	private static byte[] randomStreamTokens(Random random, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (random.nextBoolean() ? 0x70 + random.nextInt(0x0f) : random.nextInt(256));
		}
		return bytes;
	}

	/** Builds a serialization stream by hand, to say what {@code ObjectOutputStream} never would. */
	private static final class Stream {

		private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

		private final DataOutputStream data = new DataOutputStream(this.buffer);

		Stream() throws IOException {
			this.data.writeShort(0xaced); // STREAM_MAGIC
			this.data.writeShort(5); // STREAM_VERSION
		}

		/** TC_ARRAY with a new class descriptor (handle 0x7e0000) and the declared length; elements not written. */
		Stream arrayOf(Class<?> arrayType, int length) throws IOException {
			this.data.writeByte(0x75); // TC_ARRAY
			classDescriptor(arrayType.getName(), ObjectStreamClass.lookup(arrayType).getSerialVersionUID());
			this.data.writeInt(length);
			return this;
		}

		/** TC_OBJECT of a serializable class without fields. */
		Stream object(String className, long serialVersionUid) throws IOException {
			this.data.writeByte(0x73); // TC_OBJECT
			classDescriptor(className, serialVersionUid);
			return this;
		}

		private void classDescriptor(String name, long serialVersionUid) throws IOException {
			this.data.writeByte(0x72); // TC_CLASSDESC
			this.data.writeUTF(name);
			this.data.writeLong(serialVersionUid);
			this.data.writeByte(0x02); // SC_SERIALIZABLE
			this.data.writeShort(0); // no fields
			this.data.writeByte(0x78); // TC_ENDBLOCKDATA
			this.data.writeByte(0x70); // TC_NULL: no serializable superclass
		}

		byte[] bytes() throws IOException {
			this.data.flush();
			return this.buffer.toByteArray();
		}

	}

	// -------------------------------------------------------------------------------------------------- helpers

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private interface Work<T> {

		T call() throws Exception;

	}

	/** Runs on a thread of the given stack size and returns its result (or rethrows what it threw). */
	private static <T> T onThread(long stackSize, Work<T> work) throws Exception {
		AtomicReference<T> result = new AtomicReference<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread thread = new Thread(null, () -> {
			try {
				result.set(work.call());
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}, "stack-" + stackSize, stackSize);
		thread.setDaemon(true);
		thread.start();
		thread.join(CASE_TIMEOUT.toMillis() * 4);
		assertThat(thread.isAlive()).as("the work finished in time").isFalse();
		if (failure.get() != null) {
			throw new AssertionError("the work failed", failure.get());
		}
		return result.get();
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	private static long[] seeds() {
		String configured = System.getProperty("mp.fuzz.seeds");
		if (configured == null || configured.isBlank()) {
			return new long[] { 1L, 2L, 42L, 0x5EEDL, 20_240_601L, -7L };
		}
		return Arrays.stream(configured.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
	}

}

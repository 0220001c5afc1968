package dev.mp.codec.fory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import dev.mp.SerializableCallable;
import dev.mp.SerializableFunction;
import dev.mp.SerializationException;
import dev.mp.codec.fory.Order.LineItem;
import dev.mp.codec.fory.Order.Status;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.spi.CodecProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Round trips of each family of values users pass, between two codecs as a parent's and a worker's would be; shared
 * references and cycles; the fallback for what Fory cannot carry; the header that tells other codecs' bytes apart.
 */
class ForyCodecTests {

	private static final ClassLoader LOADER = ForyCodecTests.class.getClassLoader();

	private final ForyCodec parent = TestCodecs.fory();

	private final ForyCodec worker = TestCodecs.fory();

	static Stream<Arguments> values() {
		int offset = 7;
		return Stream.of(Arguments.of("record", Order.sample()),
				Arguments.of("POJO", new Account("acc-1", 12.5, new ArrayList<>(List.of("a", "b")))),
				Arguments.of("enum", Status.SHIPPED), Arguments.of("JDK enum with bodies", TimeUnit.SECONDS),
				Arguments.of("EnumSet", EnumSet.of(Status.NEW, Status.SHIPPED)),
				Arguments.of("EnumMap", new EnumMap<>(Map.of(Status.PAID, 1, Status.NEW, 2))),
				Arguments.of("ArrayList", new ArrayList<>(List.of(1, "two", 3.0))),
				Arguments.of("LinkedList", new LinkedList<>(List.of("x", "y"))),
				Arguments.of("HashSet", new HashSet<>(Set.of("a", "b", "c"))),
				Arguments.of("TreeSet", new TreeSet<>(Set.of(3, 1, 2))),
				Arguments.of("ArrayDeque", new ArrayDeque<>(List.of(1, 2, 3))),
				Arguments.of("List.of", List.of(1, 2, 3)), Arguments.of("Set.of", Set.of("only")),
				Arguments.of("unmodifiable list", Collections.unmodifiableList(new ArrayList<>(List.of(1, 2)))),
				Arguments.of("Arrays.asList", Arrays.asList("a", null, "c")),
				Arguments.of("HashMap", new HashMap<>(Map.of("a", 1, "b", List.of(2)))),
				Arguments.of("LinkedHashMap", linkedMap()),
				Arguments.of("TreeMap", new TreeMap<>(Map.of("b", 2, "a", 1))),
				Arguments.of("ConcurrentHashMap", new ConcurrentHashMap<>(Map.of(1, "one"))),
				Arguments.of("Map.of", Map.of("k", new LineItem("s", 1, BigDecimal.ONE))),
				Arguments.of("int[]", new int[] { 1, -2, Integer.MAX_VALUE }),
				Arguments.of("int[16]", new int[16]), Arguments.of("long[][]", new long[][] { { 1L }, { 2L, 3L } }),
				Arguments.of("byte[]", new byte[] { 0, 1, -1 }), Arguments.of("String[]", new String[] { "a", null }),
				Arguments.of("record[]", new LineItem[] { new LineItem("s", 2, BigDecimal.TEN) }),
				Arguments.of("Object[]", new Object[] { 1, "a", List.of(), new int[] { 5 } }),
				Arguments.of("BigDecimal", new BigDecimal("-12345678901234567890.000123")),
				Arguments.of("BigInteger", new BigInteger("123456789012345678901234567890")),
				Arguments.of("Instant", Instant.parse("2024-05-01T10:15:30.123456789Z")),
				Arguments.of("LocalDate", LocalDate.of(2024, 2, 29)),
				Arguments.of("LocalDateTime", LocalDateTime.of(2024, 2, 29, 23, 59, 58, 7)),
				Arguments.of("LocalTime", LocalTime.of(1, 2, 3)),
				Arguments.of("ZonedDateTime", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))),
				Arguments.of("OffsetDateTime", OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-3))),
				Arguments.of("Duration", Duration.ofMillis(1234)), Arguments.of("Period", Period.of(1, 2, 3)),
				Arguments.of("Year", Year.of(1999)), Arguments.of("YearMonth", YearMonth.of(2024, 12)),
				Arguments.of("ZoneId", ZoneId.of("Asia/Tokyo")), Arguments.of("UUID", new UUID(1, 2)),
				Arguments.of("Optional of a record", Optional.of(new LineItem("o", 1, BigDecimal.ONE))),
				Arguments.of("empty Optional", Optional.empty()), Arguments.of("OptionalInt", OptionalInt.of(3)),
				Arguments.of("OptionalLong", OptionalLong.empty()), Arguments.of("OptionalDouble", OptionalDouble.of(.5)),
				Arguments.of("boxed values", List.of(true, 'c', (byte) 1, (short) 2, 3, 4L, 5f, 6d, "s")),
				Arguments.of("lambda", (SerializableFunction<Integer, Integer>) (x) -> x + offset),
				Arguments.of("callable", (SerializableCallable<String>) () -> "called " + offset),
				Arguments.of("method reference", (SerializableFunction<Integer, Integer>) Integer::bitCount),
				Arguments.of("exception", new IllegalStateException("outer", new IOException("inner"))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("values")
	void aValueCrossesBothWays(String family, Object value) throws Exception {
		Object atWorker = this.worker.decode(this.parent.encode(value), LOADER);
		assertSameValue(atWorker, value);
		Object backAtParent = this.parent.decode(this.worker.encode(atWorker), LOADER);
		assertSameValue(backAtParent, value);
		assertThat(this.parent.fallbacks() + this.worker.fallbacks()).as("values that went through the fallback")
			.isZero();
	}

	@Test
	void theStampNamesTheVersionOfTheForyOnTheClassPath() {
		assertThat(ForyCodecProvider.FORY_VERSION)
			.isEqualTo(org.apache.fory.Fory.class.getPackage().getImplementationVersion());
		assertThat(ForyCodecProvider.STAMP).isEqualTo("fory " + ForyCodecProvider.FORY_VERSION + ", mp format 1");
	}

	@Test
	void sharedReferencesStayShared() {
		LineItem item = new LineItem("shared", 1, BigDecimal.ONE);
		List<Object> list = new ArrayList<>();
		Object[] array = { item, list };
		Map<String, Object> value = new HashMap<>(Map.of("first", item, "second", item, "list", list, "array", array));
		list.add(item);

		@SuppressWarnings("unchecked")
		Map<String, Object> copy = (Map<String, Object>) roundTrip(value);

		assertThat(copy.get("second")).isSameAs(copy.get("first")).isEqualTo(item);
		assertThat(((List<?>) copy.get("list")).get(0)).isSameAs(copy.get("first"));
		Object[] arrayCopy = (Object[]) copy.get("array");
		assertThat(arrayCopy[0]).isSameAs(copy.get("first"));
		assertThat(arrayCopy[1]).isSameAs(copy.get("list"));
	}

	@Test
	void cyclesSurvive() {
		Node ring = new Node("a", new Node("b", new Node("c", null)));
		ring.next.next.next = ring;
		Node copy = (Node) roundTrip(ring);
		assertThat(copy.next.next.next).isSameAs(copy);
		assertThat(copy.label + copy.next.label + copy.next.next.label).isEqualTo("abc");

		Node self = new Node("self", null);
		self.next = self;
		Node selfCopy = (Node) roundTrip(self);
		assertThat(selfCopy.next).isSameAs(selfCopy);

		List<Object> inItself = new ArrayList<>();
		inItself.add(inItself);
		List<?> listCopy = (List<?>) roundTrip(inItself);
		assertThat(listCopy.get(0)).isSameAs(listCopy);

		List<Object> inAMap = new ArrayList<>();
		Map<String, Object> map = new HashMap<>(Map.of("list", inAMap));
		inAMap.add(map);
		Map<?, ?> mapCopy = (Map<?, ?>) roundTrip(map);
		assertThat(((List<?>) mapCopy.get("list")).get(0)).isSameAs(mapCopy);
	}

	@Test
	void aCycleBackToARecordReadsAsNullAsWithJdkSerialization() {
		// a record is made from its fields once they are read, so nothing can refer to it before
		List<Object> contents = new ArrayList<>();
		Holder holder = new Holder("h", contents);
		contents.add(holder);
		Holder copy = (Holder) roundTrip(holder);
		assertThat(copy.contents()).containsExactly((Object) null);
		Holder jdkCopy = (Holder) TestCodecs.jdk().decode(TestCodecs.jdk().encode(holder), LOADER);
		assertThat(jdkCopy.contents()).containsExactly((Object) null);
	}

	@Test
	void aGraphLargerInMemoryThanInBytesDecodesUnderATightLimit() {
		List<List<Object>> emptyLists = new ArrayList<>();
		for (int i = 0; i < 50_000; i++) {
			emptyLists.add(new ArrayList<>());
		}
		byte[] bytes = this.parent.encode(emptyLists);
		ForyCodec tight = TestCodecs.fory(ClassAllowList.withDefaults(List.of()), bytes.length);
		assertThat(tight.decode(bytes, LOADER)).isEqualTo(emptyLists);
	}

	@Test
	void aValueForyCannotCarryGoesThroughTheFallbackVisibly() {
		Logger logger = (Logger) LoggerFactory.getLogger(ForyCodec.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		Level level = logger.getLevel();
		logger.setLevel(Level.DEBUG);
		logger.addAppender(appender);
		try {
			Dice value = new Dice("d6", new Random(6));
			Dice copy = (Dice) this.worker.decode(this.parent.encode(value), LOADER);
			assertThat(copy.random().nextLong()).isEqualTo(new Random(6).nextLong());
			assertThat(this.parent.fallbacks()).isOne();
			assertThat(appender.list).singleElement()
				.satisfies((event) -> assertThat(event.getLevel()).isEqualTo(Level.DEBUG))
				.extracting(ILoggingEvent::getFormattedMessage)
				.asString()
				.contains("Fory cannot encode a " + Dice.class.getName(), "fallback codec");
		}
		finally {
			logger.detachAppender(appender);
			logger.setLevel(level);
		}
	}

	@Test
	void generatedAndInterpretedSerializersWriteTheSameBytes() {
		ForyCodec generating = TestCodecs.foryGenerating();
		Order order = Order.sample();
		byte[] bytes = generating.encode(order);
		assertThat(bytes).isEqualTo(this.parent.encode(order));
		assertThat(this.worker.decode(bytes, LOADER)).isEqualTo(order);
		assertThat(generating.decode(this.worker.encode(order), LOADER)).isEqualTo(order);
	}

	@Test
	void theBytesOfJdkSerializationFailClearly() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject("from the JDK codec");
		}
		assertThatExceptionOfType(SerializationException.class)
			.isThrownBy(() -> this.worker.decode(bytes.toByteArray(), LOADER))
			.withMessageContaining("JDK serialization")
			.withMessageContaining("both sides must use the same codec");
	}

	@Test
	void theBytesOfAnotherForyOrFormatFailClearly() {
		byte[] bytes = this.parent.encode(Order.sample());
		bytes[3] ^= 0x5A;
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> this.worker.decode(bytes, LOADER))
			.withMessageContaining("another version of the fory codec");
	}

	@Test
	void bytesWithoutTheHeaderFailClearly() {
		assertThatExceptionOfType(SerializationException.class)
			.isThrownBy(() -> this.worker.decode(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, LOADER))
			.withMessageContaining("not written by the fory codec");
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> this.worker.decode(new byte[0], LOADER))
			.withMessageContaining("not written by the fory codec");
	}

	@Test
	void manyThreadsShareOneCodec() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				done.add(threads.submit(() -> {
					for (int i = 0; i < 300; i++) {
						Object value = (i % 2 == 0) ? Order.sample() : List.of(thread, i, new Node("n" + i, null).label);
						assertThat(this.worker.decode(this.parent.encode(value), LOADER)).isEqualTo(value);
					}
					return null;
				}));
			}
			for (Future<?> each : done) {
				each.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void mpFindsTheCodecByItsName() {
		assertThat(ServiceLoader.load(CodecProvider.class, LOADER).stream().map(ServiceLoader.Provider::get))
			.singleElement()
			.satisfies((provider) -> assertThat(provider.name()).isEqualTo("fory"))
			.isInstanceOf(ForyCodecProvider.class);
	}

	private Object roundTrip(Object value) {
		return this.worker.decode(this.parent.encode(value), LOADER);
	}

	@SuppressWarnings("unchecked")
	static void assertSameValue(Object actual, Object expected) throws Exception {
		if (!expected.getClass().isSynthetic()) {
			// a lambda is rebuilt by its capturing class, as a class of its own, as with JDK serialization
			assertThat(actual).hasSameClassAs(expected);
		}
		if (expected instanceof ArrayDeque<?> deque) {
			assertThat(new ArrayList<>((ArrayDeque<?>) actual)).isEqualTo(new ArrayList<>(deque));
		}
		else if (expected instanceof SerializableFunction<?, ?> function) {
			assertThat(((SerializableFunction<Integer, Object>) actual).apply(35))
				.isEqualTo(((SerializableFunction<Integer, Object>) function).apply(35));
		}
		else if (expected instanceof SerializableCallable<?> callable) {
			assertThat(((SerializableCallable<?>) actual).call()).isEqualTo(callable.call());
		}
		else if (expected instanceof Throwable thrown) {
			Throwable copy = (Throwable) actual;
			assertThat(copy).hasMessage(thrown.getMessage());
			assertThat(copy.getStackTrace()).isEqualTo(thrown.getStackTrace());
			assertThat(copy.getCause()).hasSameClassAs(thrown.getCause()).hasMessage(thrown.getCause().getMessage());
		}
		else {
			assertThat(actual).isEqualTo(expected);
		}
	}

	private static Map<String, Integer> linkedMap() {
		Map<String, Integer> map = new LinkedHashMap<>();
		map.put("z", 26);
		map.put("a", 1);
		return map;
	}

	/** A plain mutable class, not {@code Serializable}: Fory needs neither. */
	static final class Account {

		private String id;

		private double balance;

		private List<String> owners;

		Account(String id, double balance, List<String> owners) {
			this.id = id;
			this.balance = balance;
			this.owners = owners;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Account that && this.id.equals(that.id) && this.balance == that.balance
					&& this.owners.equals(that.owners);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.id, this.balance, this.owners);
		}

	}

	static final class Node {

		final String label;

		Node next;

		Node(String label, Node next) {
			this.label = label;
			this.next = next;
		}

	}

	record Holder(String name, List<Object> contents) implements Serializable {
	}

	/** Fory 1.6 cannot write a {@link Random}: its serial form names a field it does not have. */
	record Dice(String name, Random random) implements Serializable {
	}

}

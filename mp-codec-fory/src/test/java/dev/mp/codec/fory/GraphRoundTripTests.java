package dev.mp.codec.fory;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.mp.codec.fory.Order.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A property: any graph of records, plain objects, lists, maps, arrays and values, shared references and cycles
 * included, arrives with the same shape, both ways. The graphs come from a seeded {@link Random}, so a failure
 * names the seed that reproduces it.
 */
class GraphRoundTripTests {

	private static final ClassLoader LOADER = GraphRoundTripTests.class.getClassLoader();

	private final ForyCodec parent = TestCodecs.fory();

	private final ForyCodec worker = TestCodecs.fory();

	@Test
	void everyGeneratedGraphArrivesWithItsShape() {
		int withSharing = 0;
		for (long seed = 1; seed <= 400; seed++) {
			Object graph = new Graphs(new Random(seed)).next(0);
			Object atWorker = this.worker.decode(this.parent.encode(graph), LOADER);
			Isomorphism there = new Isomorphism("seed " + seed);
			there.check(graph, atWorker);
			Object backAtParent = this.parent.decode(this.worker.encode(atWorker), LOADER);
			new Isomorphism("seed " + seed + ", back").check(graph, backAtParent);
			withSharing += (there.sharedReferences > 0) ? 1 : 0;
		}
		assertThat(withSharing).as("graphs with shared references or cycles").isGreaterThan(100);
		assertThat(this.parent.fallbacks() + this.worker.fallbacks()).isZero();
	}

	/**
	 * Makes graphs. A mutable container is shareable as soon as it exists, so what it holds may refer back to it (a
	 * cycle); a record only once it is made, as nothing can refer to a record before it is made (with JDK
	 * serialization neither).
	 */
	private static final class Graphs {

		private final Random random;

		private final List<Object> shareable = new ArrayList<>();

		Graphs(Random random) {
			this.random = random;
		}

		Object next(int depth) {
			if (!this.shareable.isEmpty() && this.random.nextInt(6) == 0) {
				return this.shareable.get(this.random.nextInt(this.shareable.size()));
			}
			if (depth >= 5 || this.random.nextInt(3) == 0) {
				return leaf();
			}
			return switch (this.random.nextInt(8)) {
				case 0 -> fill(new ArrayList<>(), depth);
				case 1 -> fill(new HashMap<>(), depth);
				case 2 -> fill(new LinkedHashMap<>(), depth);
				case 3 -> fill(new TreeMap<>(), depth);
				case 4 -> {
					Object[] array = new Object[this.random.nextInt(5)];
					this.shareable.add(array);
					for (int i = 0; i < array.length; i++) {
						array[i] = next(depth + 1);
					}
					yield array;
				}
				case 5 -> {
					Box box = new Box();
					this.shareable.add(box);
					box.value = next(depth + 1);
					box.other = (this.random.nextBoolean()) ? box : null;
					yield box;
				}
				case 6 -> Optional.ofNullable(next(depth + 1));
				default -> {
					List<Object> children = new ArrayList<>();
					for (int i = this.random.nextInt(4); i > 0; i--) {
						children.add(next(depth + 1));
					}
					GraphNode node = new GraphNode("n" + this.random.nextInt(100), this.random.nextInt(),
							next(depth + 1), children);
					this.shareable.add(node);
					yield node;
				}
			};
		}

		private List<Object> fill(List<Object> list, int depth) {
			this.shareable.add(list);
			for (int i = this.random.nextInt(5); i > 0; i--) {
				list.add(next(depth + 1));
			}
			return list;
		}

		private Map<String, Object> fill(Map<String, Object> map, int depth) {
			this.shareable.add(map);
			for (int i = this.random.nextInt(5); i > 0; i--) {
				map.put("k" + this.random.nextInt(20), next(depth + 1));
			}
			return map;
		}

		private Object leaf() {
			return switch (this.random.nextInt(14)) {
				case 0 -> this.random.nextInt();
				case 1 -> this.random.nextLong();
				case 2 -> this.random.nextDouble();
				case 3 -> "s" + this.random.nextInt(1000) + "\u00e9\u4e2d".repeat(this.random.nextInt(3));
				case 4 -> BigDecimal.valueOf(this.random.nextLong(), this.random.nextInt(10));
				case 5 -> LocalDate.ofEpochDay(this.random.nextInt(50_000));
				case 6 -> Instant.ofEpochSecond(this.random.nextInt(), this.random.nextInt(1_000_000_000));
				case 7 -> Status.values()[this.random.nextInt(Status.values().length)];
				case 8 -> this.random.ints(this.random.nextInt(20)).toArray();
				case 9 -> this.random.longs(this.random.nextInt(5)).toArray();
				case 10 -> new String[] { "a", null, "c" + this.random.nextInt(9) };
				case 11 -> this.random.nextBoolean();
				case 12 -> new Order.LineItem("sku" + this.random.nextInt(50), this.random.nextInt(9), BigDecimal.ONE);
				default -> null;
			};
		}

	}

	/**
	 * Walks two graphs side by side: the same classes and values, and the same sharing, each object of the one
	 * matching exactly one of the other.
	 */
	private static final class Isomorphism {

		private final String which;

		private final Map<Object, Object> copies = new IdentityHashMap<>();

		private final Map<Object, Object> originals = new IdentityHashMap<>();

		private int sharedReferences;

		Isomorphism(String which) {
			this.which = which;
		}

		void check(Object expected, Object actual) {
			if (expected == null || isValue(expected)) {
				assertThat(actual).as(this.which).isEqualTo(expected);
				if (expected != null) {
					assertThat(actual).as(this.which).hasSameClassAs(expected);
				}
				return;
			}
			assertThat(actual).as(this.which).hasSameClassAs(expected);
			if (expected instanceof Optional<?> optional) {
				check(optional.orElse(null), ((Optional<?>) actual).orElse(null));
				return;
			}
			if (this.copies.containsKey(expected)) {
				assertThat(actual).as(this.which + ": a shared reference").isSameAs(this.copies.get(expected));
				this.sharedReferences++;
				return;
			}
			assertThat(this.originals).as(this.which + ": a copy shared where the original was not")
				.doesNotContainKey(actual);
			this.copies.put(expected, actual);
			this.originals.put(actual, expected);
			if (expected instanceof Object[] array) {
				Object[] copy = (Object[]) actual;
				assertThat(copy).as(this.which).hasSameSizeAs(array);
				for (int i = 0; i < array.length; i++) {
					check(array[i], copy[i]);
				}
			}
			else if (expected.getClass().isArray()) {
				assertThat(Objects.deepEquals(expected, actual)).as(this.which).isTrue();
			}
			else if (expected instanceof List<?> list) {
				List<?> copy = (List<?>) actual;
				assertThat(copy).as(this.which).hasSameSizeAs(list);
				for (int i = 0; i < list.size(); i++) {
					check(list.get(i), copy.get(i));
				}
			}
			else if (expected instanceof Map<?, ?> map) {
				Map<?, ?> copy = (Map<?, ?>) actual;
				if (map instanceof HashMap<?, ?> && !(map instanceof LinkedHashMap<?, ?>)) {
					assertThat(new HashSet<Object>(copy.keySet())).as(this.which).isEqualTo(map.keySet());
				}
				else {
					assertThat(new ArrayList<Object>(copy.keySet())).as(this.which + ": the order of the keys")
						.isEqualTo(new ArrayList<Object>(map.keySet()));
				}
				map.forEach((key, value) -> check(value, copy.get(key)));
			}
			else if (expected instanceof Box box) {
				check(box.value, ((Box) actual).value);
				check(box.other, ((Box) actual).other);
			}
			else {
				for (RecordComponent component : expected.getClass().getRecordComponents()) {
					check(read(component, expected), read(component, actual));
				}
			}
		}

		private static boolean isValue(Object value) {
			return value instanceof Number || value instanceof String || value instanceof Boolean
					|| value instanceof Enum<?> || value instanceof Temporal;
		}

		private static Object read(RecordComponent component, Object record) {
			try {
				return component.getAccessor().invoke(record);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/** A plain mutable object, which can refer to itself. */
	static final class Box {

		Object value;

		Box other;

	}

	record GraphNode(String label, int weight, Object payload, List<Object> children) {
	}

}

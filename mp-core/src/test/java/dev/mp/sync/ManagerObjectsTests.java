package dev.mp.sync;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mp.ClassRefusedException;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link SharedMap}, {@link SharedList} and {@link SharedNamespace} promise within one process: the
 * {@code ConcurrentMap} and {@code List} contracts, copies and snapshots, a full object, a refused class, and threads
 * racing on one map.
 */
class ManagerObjectsTests {

	// a narrow allow-list, so that a class of this package is refused
	private final SharedObjects shared = TestSharedObjects
		.open(ClassAllowList.of(List.of("java.lang.*", "java.util.*")), 1 << 20);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.shared.close();
	}

	@Test
	void aMapKeepsTheConcurrentMapContract() {
		SharedMap<String, Integer> map = this.shared.sharedMap(4096);
		assertThat(map.isEmpty()).isTrue();
		assertThat(map.put("a", 1)).isNull();
		assertThat(map.put("a", 2)).isEqualTo(1);
		assertThat(map.putIfAbsent("a", 3)).isEqualTo(2);
		assertThat(map.putIfAbsent("b", 3)).isNull();
		assertThat(map.remove("b", 4)).isFalse();
		assertThat(map.remove("b", 3)).isTrue();
		assertThat(map.replace("b", 5)).isNull();
		assertThat(map.containsKey("b")).isFalse();
		assertThat(map.replace("a", 9, 10)).isFalse();
		assertThat(map.replace("a", 2, 10)).isTrue();
		assertThat(map.replace("a", 11)).isEqualTo(10);
		assertThat(map.computeIfAbsent("a", (key) -> 0)).isEqualTo(11);
		assertThat(map.computeIfAbsent("c", (key) -> null)).isNull();
		assertThat(map.computeIfAbsent("c", String::length)).isEqualTo(1);
		assertThat(map.computeIfPresent("d", (key, value) -> 1)).isNull();
		assertThat(map.computeIfPresent("c", (key, value) -> null)).isNull();
		assertThat(map.compute("c", (key, value) -> (value == null) ? 7 : value + 1)).isEqualTo(7);
		assertThat(map.compute("c", (key, value) -> (value == null) ? 7 : value + 1)).isEqualTo(8);
		assertThat(map.merge("c", 2, Integer::sum)).isEqualTo(10);
		assertThat(map.merge("e", 2, Integer::sum)).isEqualTo(2);
		assertThat(map.merge("e", 2, (old, given) -> null)).isNull();
		assertThat(map.getOrDefault("e", -1)).isEqualTo(-1);
		assertThat(map).containsExactly(Map.entry("a", 11), Map.entry("c", 10));
		assertThat(map.containsValue(10)).isTrue();
		assertThat(map.containsValue(12)).isFalse();
		map.replaceAll((key, value) -> value * 2);
		map.putAll(Map.of("f", 1));
		assertThat(map.copy()).isEqualTo(Map.of("a", 22, "c", 20, "f", 1));
		assertThat(map).isEqualTo(new HashMap<>(Map.of("a", 22, "c", 20, "f", 1)));
		assertThat(map.hashCode()).isEqualTo(Map.of("a", 22, "c", 20, "f", 1).hashCode());
		assertThat(map).hasToString("{a=22, c=20, f=1}");
		map.clear();
		assertThat(map.size()).isZero();
	}

	@Test
	void aMapRefusesNullAsAConcurrentMapDoes() {
		SharedMap<String, Integer> map = this.shared.sharedMap(4096);
		assertThatNullPointerException().isThrownBy(() -> map.put(null, 1));
		assertThatNullPointerException().isThrownBy(() -> map.put("a", null));
		assertThatNullPointerException().isThrownBy(() -> map.get(null));
		assertThatNullPointerException().isThrownBy(() -> map.containsKey(null));
		assertThatNullPointerException().isThrownBy(() -> map.merge("a", null, Integer::sum));
		assertThatNullPointerException().isThrownBy(() -> map.putAll(Collections.singletonMap("b", null)));
		assertThat(map.remove("a", null)).isFalse();
		assertThat(map).isEmpty();
	}

	@Test
	void keysKeepTheirFirstPlaceAndWhatComesOutIsACopy() {
		SharedMap<String, List<String>> map = this.shared.sharedMap(4096);
		map.put("z", new ArrayList<>(List.of("one")));
		map.put("a", List.of());
		map.put("z", new ArrayList<>(List.of("two")));
		assertThat(map.keySet()).containsExactly("z", "a");
		map.get("z").add("changed here only");
		assertThat(map.get("z")).containsExactly("two");

		var keys = map.keySet();
		var entries = map.entrySet();
		var values = map.values();
		map.remove("z");
		map.put("z", List.of("three"));
		assertThat(keys).as("a snapshot").containsExactly("z", "a");
		assertThat(map.keySet()).containsExactly("a", "z");
		assertThatThrownBy(() -> keys.remove("a")).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> entries.iterator().next().setValue(List.of()))
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(values::clear).isInstanceOf(UnsupportedOperationException.class);
		Map<String, List<String>> mine = map.copy();
		mine.clear();
		assertThat(map).hasSize(2);
	}

	@Test
	void threadsMergingAndComputingOnOneMapLoseNoUpdate() throws Exception {
		SharedMap<String, Long> counts = this.shared.sharedMap(4096);
		List<Future<?>> racers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			racers.add(this.threads.submit(() -> {
				for (int i = 0; i < 2_000; i++) {
					counts.merge("merged", 1L, Long::sum);
					counts.compute("computed", (key, value) -> (value == null) ? 1 : value + 1);
				}
				return null;
			}));
		}
		for (Future<?> racer : racers) {
			racer.get(60, TimeUnit.SECONDS);
		}
		assertThat(counts).containsOnly(Map.entry("merged", 8_000L), Map.entry("computed", 8_000L));
	}

	@Test
	void aChangeThatDoesNotFitIsRefusedWithWhatToDoAndChangesNothing() {
		SharedMap<String, String> map = this.shared.sharedMap(256);
		map.put("kept", "x".repeat(100));
		assertThat(map.capacityBytes()).isEqualTo(256);
		assertThatExceptionOfType(SharedObjectFullException.class).isThrownBy(() -> map.put("more", "y".repeat(200)))
			.withMessageContaining("SharedMap " + map.name() + " is full")
			.withMessageContaining("room for 256")
			.withMessageContaining("take 340 bytes")
			.withMessageContaining("sharedMap(capacityBytes)")
			.satisfies((ex) -> assertThat(ex.neededBytes()).isEqualTo(340))
			.satisfies((ex) -> assertThat(ex.capacityBytes()).isEqualTo(256));
		assertThat(map).containsExactly(Map.entry("kept", "x".repeat(100)));

		SharedList<String> list = this.shared.sharedList(100);
		list.add("fits");
		assertThatExceptionOfType(SharedObjectFullException.class)
			.isThrownBy(() -> list.addAll(List.of("a".repeat(40), "b".repeat(40))))
			.withMessageContaining("sharedList(capacityBytes)");
		assertThat(list).containsExactly("fits");
		assertThatThrownBy(() -> this.shared.sharedList(0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("capacityBytes must be between 1 and");
	}

	@Test
	void aRefusedClassIsRefusedBeforeAnythingChanges() {
		SharedMap<String, Object> map = this.shared.sharedMap(4096);
		SharedList<Object> list = this.shared.sharedList(4096);
		SharedNamespace namespace = this.shared.namespace(4096);
		assertThatThrownBy(() -> map.put("key", new NotAllowed("secret"))).isInstanceOf(ClassRefusedException.class)
			.hasMessageContaining(NotAllowed.class.getName());
		SharedMap<Object, String> byObject = this.shared.sharedMap(4096);
		assertThatThrownBy(() -> byObject.put(new NotAllowed("key"), "value"))
			.isInstanceOf(ClassRefusedException.class);
		assertThatThrownBy(() -> map.compute("key", (key, value) -> new NotAllowed("computed")))
			.isInstanceOf(ClassRefusedException.class);
		assertThatThrownBy(() -> list.add(new NotAllowed("secret"))).isInstanceOf(ClassRefusedException.class);
		assertThatThrownBy(() -> namespace.set("a", new NotAllowed("secret")))
			.isInstanceOf(ClassRefusedException.class);
		assertThat(map).isEmpty();
		assertThat(byObject).isEmpty();
		assertThat(list).isEmpty();
		assertThat(namespace.names()).isEmpty();
		map.put("key", List.of("allowed", 1));
		assertThat(map.get("key")).isEqualTo(List.of("allowed", 1));
	}

	@Test
	void aFunctionThatThrowsOrChangesItsOwnMapChangesNothing() {
		SharedMap<String, Integer> map = this.shared.sharedMap(4096);
		map.put("a", 1);
		assertThatIllegalStateException().isThrownBy(() -> map.compute("a", (key, value) -> {
			map.put("b", 2);
			return 3;
		})).withMessageContaining("was changed from inside a function that is changing it");
		assertThatThrownBy(() -> map.merge("a", 1, (old, given) -> {
			throw new ArithmeticException("no");
		})).isInstanceOf(ArithmeticException.class);
		assertThat(map.compute("a", (key, value) -> value + map.get("a"))).as("reading inside is fine").isEqualTo(2);
		assertThat(map).containsExactly(Map.entry("a", 2));
	}

	@Test
	void aListKeepsTheListContractAtomicallyPerOperation() {
		SharedList<String> list = this.shared.sharedList(4096);
		assertThat(list.add("b")).isTrue();
		list.add(0, "a");
		assertThat(list.addAll(List.of("c", "a"))).isTrue();
		assertThat(list.addAll(List.of())).isFalse();
		assertThat(list.addAll(1, List.of("x", "y"))).isTrue();
		assertThat(list).containsExactly("a", "x", "y", "b", "c", "a");
		assertThat(list.get(1)).isEqualTo("x");
		assertThat(list.set(1, "X")).isEqualTo("x");
		assertThat(list.remove(2)).isEqualTo("y");
		assertThat(list.remove("nothing")).isFalse();
		assertThat(list.remove("a")).isTrue();
		assertThat(list).containsExactly("X", "b", "c", "a");
		assertThat(list.indexOf("a")).isEqualTo(3);
		assertThat(list.lastIndexOf("X")).isZero();
		assertThat(list.contains("c")).isTrue();
		assertThat(list.contains(null)).isFalse();
		list.sort(null);
		assertThat(list).containsExactly("X", "a", "b", "c");
		list.sort(Comparator.reverseOrder());
		assertThat(list).containsExactly("c", "b", "a", "X");
		list.replaceAll(String::toUpperCase);
		assertThat(list.removeIf((element) -> element.equals("B"))).isTrue();
		assertThat(list.retainAll(List.of("C", "X"))).isTrue();
		assertThat(list).isEqualTo(List.of("C", "X")).hasToString("[C, X]");
		assertThat(list.hashCode()).isEqualTo(List.of("C", "X").hashCode());
		assertThat(list.stream().map(String::toLowerCase).toList()).containsExactly("c", "x");
		assertThatThrownBy(() -> list.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
		assertThatThrownBy(() -> list.add(5, "far")).isInstanceOf(IndexOutOfBoundsException.class);
		assertThatNullPointerException().isThrownBy(() -> list.add(null));
		assertThatNullPointerException().isThrownBy(() -> list.addAll(Arrays.asList("ok", null)));
		assertThat(list).containsExactly("C", "X");
	}

	@Test
	void aListsIteratorsAndSubListsAreUnmodifiableSnapshots() {
		SharedList<Integer> list = this.shared.sharedList(4096);
		list.addAll(List.of(1, 2, 3));
		var iterator = list.iterator();
		List<Integer> range = list.subList(1, 3);
		list.clear();
		assertThat(iterator.next()).isEqualTo(1);
		assertThatThrownBy(iterator::remove).isInstanceOf(UnsupportedOperationException.class);
		assertThat(range).containsExactly(2, 3);
		assertThatThrownBy(() -> range.add(4)).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> list.listIterator().add(4)).isInstanceOf(UnsupportedOperationException.class);
		assertThat(list).isEmpty();
	}

	@Test
	void aNamespaceHasNamedAttributes() {
		SharedNamespace namespace = this.shared.namespace(4096);
		namespace.set("count", 3);
		namespace.set("done", false);
		namespace.set("count", 4);
		int count = namespace.get("count");
		assertThat(count).isEqualTo(4);
		assertThat(namespace.contains("done")).isTrue();
		assertThat(namespace.<String>getOrDefault("who", "nobody")).isEqualTo("nobody");
		assertThat(namespace.names()).containsExactly("count", "done");
		assertThat(namespace.toMap()).isEqualTo(Map.of("count", 4, "done", false));
		assertThat(namespace).hasToString("Namespace(count=4, done=false)");
		assertThat(namespace.remove("done")).isTrue();
		assertThat(namespace.remove("done")).isFalse();
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> namespace.get("done"))
			.withMessageContaining("has no attribute 'done'");
		assertThatNullPointerException().isThrownBy(() -> namespace.set("done", null));
	}

	@Test
	void closingRemovesTheObjectAndItsLockAndARoundTripInOneProcessIsTheSameObject() throws Exception {
		SharedMap<String, Integer> map = this.shared.sharedMap(4096);
		JavaSerializationCodec codec = new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()), "", 1 << 20);
		assertThat(codec.decode(codec.encode(map), getClass().getClassLoader())).isSameAs(map);
		Path directory = Path.of(map.file()).getParent();
		assertThat(objectFiles(directory)).containsExactlyInAnyOrder("map-1", "map-lock-2");
		map.close();
		assertThat(objectFiles(directory)).isEmpty();
	}

	private static List<String> objectFiles(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.matches(".*-\\d+"))
				.toList();
		}
	}

	record NotAllowed(String secret) implements Serializable {
	}

}

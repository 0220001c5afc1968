package dev.mp.sync;

import java.io.Serial;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ConcurrentMap} shared by every process it is passed to, like the dict of Python's
 * {@code multiprocessing.Manager().dict()}, without a manager process: the contents live in shared memory. Every
 * operation is atomic across processes, {@code compute}, {@code merge} and the other read-modify-write methods
 * included: their function runs once, in the calling process, while the map is locked (so it must be quick, and must
 * not change this map).
 *
 * <p><b>Copies, as Python's proxies give.</b> Keys and values are encoded as a queue's messages are: the common
 * types directly, anything else with the template's codec, under its allow-list. So {@link #get} returns a copy:
 * changing a value changes nothing shared until it is put back. {@link #keySet()}, {@link #values()} and
 * {@link #entrySet()} are unmodifiable snapshots; {@link #copy()} is a map of your own. Keys need value-based
 * {@code equals} and {@code hashCode}, as they are compared after a trip through the codec, and keep the order they
 * were first put in, as a Python dict's. {@code null} keys and values are refused, as by any {@code ConcurrentMap}.
 *
 * <p><b>Room.</b> The encoded contents take at most {@link #capacityBytes()} (1 MiB unless chosen); a change that
 * needs more throws {@link SharedObjectFullException} and changes nothing. A change writes the whole contents
 * again: the map suits what managed dicts are used for (results, counters, settings; thousands of entries), not a
 * large table.
 *
 * <p><b>A process killed</b> during an operation leaves the map as it was before the operation or after it, never
 * between. One killed while it holds the lock (in a {@code compute} function, say) holds the others up for about
 * 20 ms, as a {@link ProcessLock}'s dead owner does.
 *
 * @param <K> the type of the keys
 * @param <V> the type of the values
 */
public final class SharedMap<K, V> extends SharedContents<LinkedHashMap<Object, SharedContents.Mapping>>
		implements ConcurrentMap<K, V> {

	@Serial
	private static final long serialVersionUID = 1L;

	SharedMap(SharedObjects owner, int capacityBytes) {
		super(owner, "map", "sharedMap", capacityBytes);
	}

	@Override
	Form<LinkedHashMap<Object, Mapping>> form() {
		return MAPPINGS;
	}

	@Override
	public int size() {
		return read().size();
	}

	@Override
	public boolean isEmpty() {
		return read().isEmpty();
	}

	@Override
	public boolean containsKey(Object key) {
		return read().containsKey(Objects.requireNonNull(key, "key"));
	}

	@Override
	public boolean containsValue(Object value) {
		Objects.requireNonNull(value, "value");
		return read().values().stream().anyMatch((mapping) -> value.equals(value(mapping)));
	}

	/** A copy of the key's value, or {@code null} when it has none. */
	@Override
	public @Nullable V get(Object key) {
		return valueOrNull(read().get(Objects.requireNonNull(key, "key")));
	}

	@Override
	public @Nullable V put(K key, V value) {
		Mapping mapping = mapping(key, value);
		return update((mappings) -> valueOrNull(mappings.put(key, mapping)));
	}

	/** Puts every mapping of the given map at once: other processes see all of them or none. */
	@Override
	public void putAll(Map<? extends K, ? extends V> map) {
		Map<K, Mapping> encoded = new LinkedHashMap<>();
		map.forEach((key, value) -> encoded.put(key, mapping(key, value)));
		update((mappings) -> {
			mappings.putAll(encoded);
			return null;
		});
	}

	@Override
	public @Nullable V remove(Object key) {
		Objects.requireNonNull(key, "key");
		return update((mappings) -> valueOrNull(mappings.remove(key)));
	}

	@Override
	public void clear() {
		update((mappings) -> {
			mappings.clear();
			return null;
		});
	}

	/** An unmodifiable snapshot of the keys, in order. */
	@Override
	public Set<K> keySet() {
		return Collections.unmodifiableSet(copy().keySet());
	}

	/** An unmodifiable snapshot of the values, in the order of their keys. */
	@Override
	public Collection<V> values() {
		return Collections.unmodifiableCollection(copy().values());
	}

	/** An unmodifiable snapshot of the mappings, in order; {@code setValue} is refused. */
	@Override
	public Set<Map.Entry<K, V>> entrySet() {
		return Collections.unmodifiableMap(copy()).entrySet();
	}

	/** A map of your own with the contents now, in order, as Python's {@code dict.copy()}. */
	public Map<K, V> copy() {
		LinkedHashMap<Object, Mapping> mappings = read();
		Map<K, V> copy = new LinkedHashMap<>(Math.max(16, 2 * mappings.size()));
		mappings.values().forEach((mapping) -> copy.put(key(mapping), value(mapping)));
		return copy;
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		Mapping present = read().get(Objects.requireNonNull(key, "key"));
		if (present != null) {
			return value(present);
		}
		Mapping mapping = mapping(key, value);
		return update((mappings) -> valueOrNull(mappings.putIfAbsent(key, mapping)));
	}

	@Override
	public boolean remove(Object key, @Nullable Object value) {
		Objects.requireNonNull(key, "key");
		return value != null && update((mappings) -> {
			Mapping present = mappings.get(key);
			return present != null && value.equals(value(present)) && mappings.remove(key) != null;
		});
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		Objects.requireNonNull(oldValue, "oldValue");
		Mapping mapping = mapping(key, newValue);
		return update((mappings) -> {
			Mapping present = mappings.get(key);
			return present != null && oldValue.equals(value(present)) && mappings.put(key, mapping) != null;
		});
	}

	@Override
	public @Nullable V replace(K key, V value) {
		Mapping mapping = mapping(key, value);
		return update((mappings) -> valueOrNull(mappings.replace(key, mapping)));
	}

	/** Atomic: the function runs at most once, under the lock, and only when the key has no value. */
	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends @Nullable V> mappingFunction) {
		Objects.requireNonNull(mappingFunction, "mappingFunction");
		Mapping present = read().get(Objects.requireNonNull(key, "key"));
		if (present != null) {
			return value(present);
		}
		return update((mappings) -> {
			Mapping current = mappings.get(key);
			if (current != null) {
				return value(current);
			}
			V value = mappingFunction.apply(key);
			change(mappings, key, value);
			return value;
		});
	}

	/** Atomic: the function runs at most once, under the lock; a {@code null} result removes the key. */
	@Override
	public @Nullable V computeIfPresent(K key,
			BiFunction<? super K, ? super V, ? extends @Nullable V> remappingFunction) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(remappingFunction, "remappingFunction");
		return update((mappings) -> {
			Mapping current = mappings.get(key);
			if (current == null) {
				return null;
			}
			V value = remappingFunction.apply(key, value(current));
			change(mappings, key, value);
			return value;
		});
	}

	/** Atomic: the function runs once, under the lock; a {@code null} result removes the key. */
	@Override
	public @Nullable V compute(K key,
			BiFunction<? super K, ? super @Nullable V, ? extends @Nullable V> remappingFunction) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(remappingFunction, "remappingFunction");
		return update((mappings) -> {
			V value = remappingFunction.apply(key, valueOrNull(mappings.get(key)));
			change(mappings, key, value);
			return value;
		});
	}

	/** Atomic: the function runs at most once, under the lock; a {@code null} result removes the key. */
	@Override
	public @Nullable V merge(K key, V value,
			BiFunction<? super V, ? super V, ? extends @Nullable V> remappingFunction) {
		Objects.requireNonNull(remappingFunction, "remappingFunction");
		Mapping given = mapping(key, value);
		return update((mappings) -> {
			Mapping current = mappings.get(key);
			if (current == null) {
				mappings.put(key, given);
				return value;
			}
			V merged = remappingFunction.apply(value(current), value);
			change(mappings, key, merged);
			return merged;
		});
	}

	/** Replaces every value at once: other processes see all the new values or none. */
	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		Objects.requireNonNull(function, "function");
		update((mappings) -> {
			mappings.replaceAll((stored, mapping) -> new Mapping(mapping.key(),
					item(Objects.requireNonNull(function.apply(key(mapping), value(mapping)), "function's value"))));
			return null;
		});
	}

	/** Equal to any {@link Map} with the same mappings now. */
	@Override
	public boolean equals(@Nullable Object other) {
		return other == this || (other instanceof Map<?, ?> map && copy().equals(map));
	}

	@Override
	public int hashCode() {
		return copy().hashCode();
	}

	/** The contents, as a map's {@code toString()}. */
	@Override
	public String toString() {
		return copy().toString();
	}

	/** Puts the value, keeping the key's stored item when it has one, or removes the key when it is {@code null}. */
	private void change(Map<Object, Mapping> mappings, K key, @Nullable V value) {
		if (value == null) {
			mappings.remove(key);
			return;
		}
		Mapping current = mappings.get(key);
		mappings.put(key, new Mapping((current != null) ? current.key() : item(key), item(value)));
	}

	private Mapping mapping(K key, V value) {
		return new Mapping(item(Objects.requireNonNull(key, "key")), item(Objects.requireNonNull(value, "value")));
	}

	@SuppressWarnings("unchecked")
	private K key(Mapping mapping) {
		return (K) value(mapping.key());
	}

	@SuppressWarnings("unchecked")
	private V value(Mapping mapping) {
		return (V) value(mapping.value());
	}

	private @Nullable V valueOrNull(@Nullable Mapping mapping) {
		return (mapping != null) ? value(mapping) : null;
	}

}

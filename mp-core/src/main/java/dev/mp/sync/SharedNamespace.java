package dev.mp.sync;

import java.io.Serial;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Named attributes shared by every process they are passed to, like Python's
 * {@code multiprocessing.Manager().Namespace()}: {@code ns.set("done", true)} in one process, then
 * {@code ns.get("done")} in another, where Python writes {@code ns.done = True} and reads {@code ns.done}. Each call
 * is atomic; values are copies, encoded as a {@link SharedMap}'s, and are never {@code null} ({@link #remove} an
 * attribute instead). Room, and what a killed process leaves, are as for a {@link SharedMap}.
 */
public final class SharedNamespace extends SharedContents<LinkedHashMap<Object, SharedContents.Mapping>> {

	@Serial
	private static final long serialVersionUID = 1L;

	SharedNamespace(SharedObjects owner, int capacityBytes) {
		super(owner, "namespace", "namespace", capacityBytes);
	}

	@Override
	Form<LinkedHashMap<Object, Mapping>> form() {
		return MAPPINGS;
	}

	/**
	 * A copy of an attribute's value, as Python's {@code ns.attribute}.
	 * @throws NoSuchElementException when the attribute is not set, as Python raises {@code AttributeError}
	 */
	public <T> T get(String attribute) {
		Mapping mapping = read().get(Objects.requireNonNull(attribute, "attribute"));
		if (mapping == null) {
			throw new NoSuchElementException(name() + " has no attribute '" + attribute + "'");
		}
		return value(mapping);
	}

	/** A copy of an attribute's value, or the default when it is not set, as Python's {@code getattr(ns, a, d)}. */
	public <T> T getOrDefault(String attribute, T defaultValue) {
		Mapping mapping = read().get(Objects.requireNonNull(attribute, "attribute"));
		return (mapping != null) ? value(mapping) : defaultValue;
	}

	/** Sets an attribute, as Python's {@code ns.attribute = value}. */
	public void set(String attribute, Object value) {
		Mapping mapping = new Mapping(item(Objects.requireNonNull(attribute, "attribute")),
				item(Objects.requireNonNull(value, "value")));
		update((mappings) -> mappings.put(attribute, mapping));
	}

	/** Removes an attribute, as Python's {@code del ns.attribute}; whether it was set. */
	public boolean remove(String attribute) {
		Objects.requireNonNull(attribute, "attribute");
		return update((mappings) -> mappings.remove(attribute) != null);
	}

	/** Whether an attribute is set, as Python's {@code hasattr(ns, attribute)}. */
	public boolean contains(String attribute) {
		return read().containsKey(Objects.requireNonNull(attribute, "attribute"));
	}

	/** The attributes set now, in the order they were first set: an unmodifiable snapshot. */
	public Set<String> names() {
		Set<String> names = new LinkedHashSet<>();
		read().keySet().forEach((name) -> names.add((String) name));
		return Collections.unmodifiableSet(names);
	}

	/** The attributes and copies of their values now, as Python's {@code vars(ns)}: a map of your own. */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		read().forEach((name, mapping) -> map.put((String) name, value(mapping.value())));
		return map;
	}

	/** As Python's: {@code Namespace(done=true, count=3)}. */
	@Override
	public String toString() {
		StringJoiner attributes = new StringJoiner(", ", "Namespace(", ")");
		toMap().forEach((name, value) -> attributes.add(name + "=" + value));
		return attributes.toString();
	}

	@SuppressWarnings("unchecked")
	private <T> T value(Mapping mapping) {
		return (T) value(mapping.value());
	}

}

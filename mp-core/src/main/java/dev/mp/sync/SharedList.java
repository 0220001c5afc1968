package dev.mp.sync;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * A {@link List} shared by every process it is passed to, like the list of Python's
 * {@code multiprocessing.Manager().list()}, without a manager process: the contents live in shared memory. Every
 * operation is atomic across processes, the bulk ones ({@code addAll}, {@code removeIf}, {@code replaceAll},
 * {@code sort}) included.
 *
 * <p>Elements are encoded as a queue's messages are (the common types directly, anything else with the template's
 * codec, under its allow-list), so {@link #get} returns a copy: changing an element changes nothing shared until it
 * is {@linkplain #set set} back. Iterators, {@link #subList} and {@link #stream()} work on an unmodifiable snapshot,
 * as a {@link java.util.concurrent.CopyOnWriteArrayList}'s iterators do; {@link #copy()} is a list of your own.
 * {@code null} elements are refused. Room, and what a killed process leaves, are as for a {@link SharedMap}.
 *
 * @param <E> the type of the elements
 */
public final class SharedList<E> extends SharedContents<ArrayList<Item>> implements List<E> {

	@Serial
	private static final long serialVersionUID = 1L;

	SharedList(SharedObjects owner, int capacityBytes) {
		super(owner, "list", "sharedList", capacityBytes);
	}

	@Override
	Form<ArrayList<Item>> form() {
		return ELEMENTS;
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
	public boolean contains(@Nullable Object element) {
		return indexOf(element) >= 0;
	}

	@Override
	public boolean containsAll(Collection<?> elements) {
		return copy().containsAll(elements);
	}

	/** A copy of the element at that place. */
	@Override
	public E get(int index) {
		return element(read().get(index));
	}

	@Override
	public int indexOf(@Nullable Object element) {
		List<Item> items = read();
		for (int i = 0; i < items.size(); i++) {
			if (element(items.get(i)).equals(element)) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public int lastIndexOf(@Nullable Object element) {
		List<Item> items = read();
		for (int i = items.size() - 1; i >= 0; i--) {
			if (element(items.get(i)).equals(element)) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public boolean add(E element) {
		Item item = item(Objects.requireNonNull(element, "element"));
		return update((items) -> items.add(item));
	}

	@Override
	public void add(int index, E element) {
		Item item = item(Objects.requireNonNull(element, "element"));
		update((items) -> {
			items.add(index, item);
			return null;
		});
	}

	/** Adds every element at once: other processes see all of them or none. */
	@Override
	public boolean addAll(Collection<? extends E> elements) {
		List<Item> encoded = items(elements);
		return update((items) -> items.addAll(encoded));
	}

	/** Inserts every element at once: other processes see all of them or none. */
	@Override
	public boolean addAll(int index, Collection<? extends E> elements) {
		List<Item> encoded = items(elements);
		return update((items) -> items.addAll(index, encoded));
	}

	@Override
	public E set(int index, E element) {
		Item item = item(Objects.requireNonNull(element, "element"));
		return update((items) -> element(items.set(index, item)));
	}

	@Override
	public E remove(int index) {
		return update((items) -> element(items.remove(index)));
	}

	/** Removes the first element equal to the given one. */
	@Override
	public boolean remove(@Nullable Object element) {
		return update((items) -> {
			for (int i = 0; i < items.size(); i++) {
				if (element(items.get(i)).equals(element)) {
					items.remove(i);
					return true;
				}
			}
			return false;
		});
	}

	@Override
	public boolean removeAll(Collection<?> elements) {
		Objects.requireNonNull(elements, "elements");
		return removeIf(elements::contains);
	}

	@Override
	public boolean retainAll(Collection<?> elements) {
		Objects.requireNonNull(elements, "elements");
		return removeIf((element) -> !elements.contains(element));
	}

	/** Removes the elements the filter accepts, all at once; the filter runs under the lock. */
	@Override
	public boolean removeIf(Predicate<? super E> filter) {
		Objects.requireNonNull(filter, "filter");
		return update((items) -> items.removeIf((item) -> filter.test(element(item))));
	}

	/** Replaces every element at once; the operator runs under the lock. */
	@Override
	public void replaceAll(UnaryOperator<E> operator) {
		Objects.requireNonNull(operator, "operator");
		update((items) -> {
			items.replaceAll((item) -> item(Objects.requireNonNull(operator.apply(element(item)), "operator's value")));
			return null;
		});
	}

	/** Sorts the list in place, atomically; {@code null} sorts by the elements' natural order. */
	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void sort(@Nullable Comparator<? super E> comparator) {
		Comparator<? super E> order = (comparator != null) ? comparator : (Comparator) Comparator.naturalOrder();
		update((items) -> {
			List<Map.Entry<E, Item>> decoded = new ArrayList<>(items.size());
			items.forEach((item) -> decoded.add(Map.entry(element(item), item)));
			decoded.sort(Map.Entry.comparingByKey(order));
			for (int i = 0; i < items.size(); i++) {
				items.set(i, decoded.get(i).getValue());
			}
			return null;
		});
	}

	@Override
	public void clear() {
		update((items) -> {
			items.clear();
			return null;
		});
	}

	/** An iterator over a snapshot; {@code remove} is refused. */
	@Override
	public Iterator<E> iterator() {
		return snapshot().iterator();
	}

	/** A list iterator over a snapshot; changes through it are refused. */
	@Override
	public ListIterator<E> listIterator() {
		return snapshot().listIterator();
	}

	/** A list iterator over a snapshot, from the given place; changes through it are refused. */
	@Override
	public ListIterator<E> listIterator(int index) {
		return snapshot().listIterator(index);
	}

	/** An unmodifiable snapshot of a range, as Python's slice of a list proxy is a copy; not a view. */
	@Override
	public List<E> subList(int fromIndex, int toIndex) {
		return Collections.unmodifiableList(elements(read().subList(fromIndex, toIndex)));
	}

	@Override
	public Spliterator<E> spliterator() {
		return snapshot().spliterator();
	}

	@Override
	public Object[] toArray() {
		return copy().toArray();
	}

	@Override
	public <T> T[] toArray(T[] array) {
		return copy().toArray(array);
	}

	/** A list of your own with the contents now, as Python's {@code list.copy()}. */
	public List<E> copy() {
		return elements(read());
	}

	/** Equal to any {@link List} with the same elements in the same order now. */
	@Override
	public boolean equals(@Nullable Object other) {
		return other == this || (other instanceof List<?> list && copy().equals(list));
	}

	@Override
	public int hashCode() {
		return copy().hashCode();
	}

	/** The contents, as a list's {@code toString()}. */
	@Override
	public String toString() {
		return copy().toString();
	}

	private List<E> snapshot() {
		return Collections.unmodifiableList(copy());
	}

	private List<Item> items(Collection<? extends E> elements) {
		List<Item> items = new ArrayList<>(elements.size());
		elements.forEach((element) -> items.add(item(Objects.requireNonNull(element, "element"))));
		return items;
	}

	private List<E> elements(List<Item> items) {
		List<E> elements = new ArrayList<>(items.size());
		items.forEach((item) -> elements.add(element(item)));
		return elements;
	}

	@SuppressWarnings("unchecked")
	private E element(Item item) {
		return (E) value(item);
	}

}

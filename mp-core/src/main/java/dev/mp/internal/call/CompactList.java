package dev.mp.internal.call;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

import dev.mp.ProcessPool;

/**
 * A list that crosses to a worker and back as compactly as its items allow: lists of only {@code Integer},
 * {@code Long}, {@code Double} or short {@code String} items travel as a run of primitives, without a class
 * descriptor and a handle per item; any other list travels as an {@code ArrayList}. What {@link ProcessPool#map} sends
 * and gets back, where per-item serialization costs more than the work itself. {@link Externalizable} rather than
 * with a {@code writeObject}, for which a codec such as Fory would write it as a JDK stream and warn once per JVM.
 *
 * @param <E> the item type
 */
public final class CompactList<E> implements Externalizable {

	private static final long serialVersionUID = 1L;

	private static final byte OBJECTS = 0;

	private static final byte INTS = 1;

	private static final byte LONGS = 2;

	private static final byte DOUBLES = 3;

	private static final byte STRINGS = 4;

	/** Longest string sent with writeUTF (which takes at most 65535 bytes of modified UTF-8). */
	private static final int MAX_UTF_CHARS = 20_000;

	private List<E> items;

	public CompactList(List<E> items) {
		this.items = items;
	}

	/** For deserialization, which then reads the items. */
	public CompactList() {
		this.items = List.of();
	}

	public List<E> items() {
		return this.items;
	}

	private static byte kindOf(List<?> items) {
		if (items.isEmpty()) {
			return OBJECTS;
		}
		Class<?> first = (items.get(0) != null) ? items.get(0).getClass() : null;
		byte kind = (first == Integer.class) ? INTS : (first == Long.class) ? LONGS
				: (first == Double.class) ? DOUBLES : (first == String.class) ? STRINGS : OBJECTS;
		if (kind == OBJECTS) {
			return OBJECTS;
		}
		for (Object item : items) {
			if (item == null || item.getClass() != first
					|| (kind == STRINGS && ((String) item).length() > MAX_UTF_CHARS)) {
				return OBJECTS;
			}
		}
		return kind;
	}

	@Override
	public void writeExternal(ObjectOutput out) throws IOException {
		byte kind = kindOf(this.items);
		out.writeByte(kind);
		switch (kind) {
			// primitive arrays: the stream copies them in bulk, where writeInt per item pays its checks every time
			case INTS -> out.writeObject(ints());
			case LONGS -> out.writeObject(longs());
			case DOUBLES -> out.writeObject(doubles());
			case STRINGS -> {
				out.writeInt(this.items.size());
				for (Object item : this.items) {
					out.writeUTF((String) item);
				}
			}
			default -> out.writeObject(new ArrayList<>(this.items));
		}
	}

	private int[] ints() {
		int[] values = new int[this.items.size()];
		int i = 0;
		for (Object item : this.items) {
			values[i++] = (Integer) item;
		}
		return values;
	}

	private long[] longs() {
		long[] values = new long[this.items.size()];
		int i = 0;
		for (Object item : this.items) {
			values[i++] = (Long) item;
		}
		return values;
	}

	private double[] doubles() {
		double[] values = new double[this.items.size()];
		int i = 0;
		for (Object item : this.items) {
			values[i++] = (Double) item;
		}
		return values;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
		byte kind = in.readByte();
		this.items = (List<E>) switch (kind) {
			case OBJECTS -> in.readObject();
			case INTS -> new IntItems(read(in, int[].class));
			case LONGS -> new LongItems(read(in, long[].class));
			case DOUBLES -> new DoubleItems(read(in, double[].class));
			case STRINGS -> readStrings(in);
			default -> throw new IOException("Unknown list kind " + kind);
		};
	}

	private static <A> A read(ObjectInput in, Class<A> type) throws IOException, ClassNotFoundException {
		Object array = in.readObject();
		if (!type.isInstance(array)) {
			throw new IOException("Expected a " + type.getSimpleName() + ", not "
					+ ((array != null) ? array.getClass().getName() : "null"));
		}
		return type.cast(array);
	}

	private static List<String> readStrings(ObjectInput in) throws IOException {
		int size = in.readInt();
		if (size < 0) {
			throw new IOException("Negative list size " + size);
		}
		List<String> read = new ArrayList<>(Math.min(size, 1 << 16));
		for (int i = 0; i < size; i++) {
			read.add(in.readUTF());
		}
		return read;
	}

	// Read-only lists over the arrays read, boxing an item when it is read rather than all of them up front.

	private static final class IntItems extends AbstractList<Integer> implements RandomAccess {

		private final int[] values;

		IntItems(int[] values) {
			this.values = values;
		}

		@Override
		public Integer get(int index) {
			return this.values[index];
		}

		@Override
		public int size() {
			return this.values.length;
		}

	}

	private static final class LongItems extends AbstractList<Long> implements RandomAccess {

		private final long[] values;

		LongItems(long[] values) {
			this.values = values;
		}

		@Override
		public Long get(int index) {
			return this.values[index];
		}

		@Override
		public int size() {
			return this.values.length;
		}

	}

	private static final class DoubleItems extends AbstractList<Double> implements RandomAccess {

		private final double[] values;

		DoubleItems(double[] values) {
			this.values = values;
		}

		@Override
		public Double get(int index) {
			return this.values[index];
		}

		@Override
		public int size() {
			return this.values.length;
		}

	}

}

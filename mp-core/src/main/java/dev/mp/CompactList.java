package dev.mp;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A list that crosses to a worker and back as compactly as its items allow: lists of only {@code Integer},
 * {@code Long}, {@code Double} or short {@code String} items travel as a run of primitives, without a class
 * descriptor and a handle per item; any other list travels as an {@code ArrayList}. What {@link ProcessPool#map} sends
 * and gets back, where per-item serialization costs more than the work itself.
 *
 * @param <E> the item type
 */
final class CompactList<E> implements Serializable {

	private static final long serialVersionUID = 1L;

	private static final byte OBJECTS = 0;

	private static final byte INTS = 1;

	private static final byte LONGS = 2;

	private static final byte DOUBLES = 3;

	private static final byte STRINGS = 4;

	/** Longest string sent with writeUTF (which takes at most 65535 bytes of modified UTF-8). */
	private static final int MAX_UTF_CHARS = 20_000;

	private transient List<E> items;

	CompactList(List<E> items) {
		this.items = items;
	}

	List<E> items() {
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

	private void writeObject(ObjectOutputStream out) throws IOException {
		byte kind = kindOf(this.items);
		out.writeByte(kind);
		if (kind == OBJECTS) {
			out.writeObject(new ArrayList<>(this.items));
			return;
		}
		out.writeInt(this.items.size());
		for (Object item : this.items) {
			switch (kind) {
				case INTS -> out.writeInt((Integer) item);
				case LONGS -> out.writeLong((Long) item);
				case DOUBLES -> out.writeDouble((Double) item);
				default -> out.writeUTF((String) item);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
		byte kind = in.readByte();
		if (kind == OBJECTS) {
			this.items = (List<E>) in.readObject();
			return;
		}
		int size = in.readInt();
		if (size < 0) {
			throw new IOException("Negative list size " + size);
		}
		List<Object> read = new ArrayList<>(Math.min(size, 1 << 16));
		for (int i = 0; i < size; i++) {
			read.add(switch (kind) {
				case INTS -> in.readInt();
				case LONGS -> in.readLong();
				case DOUBLES -> in.readDouble();
				case STRINGS -> in.readUTF();
				default -> throw new IOException("Unknown list kind " + kind);
			});
		}
		this.items = (List<E>) read;
	}

}

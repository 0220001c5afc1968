package dev.mp.sync;

import java.io.Serial;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What {@link SharedMap}, {@link SharedList} and {@link SharedNamespace} share: contents kept whole in shared memory,
 * changed one operation at a time under a {@link ProcessLock}, and never torn. The memory holds two slots and a
 * version whose low bit names the slot of the current contents; a change is written whole into the other slot, and
 * only then does the version move on. A process that dies in the middle of a write leaves the last contents in place,
 * and the lock passes on as from any dead owner. Each process keeps the contents it last read, with their version:
 * while the version has not moved, a read costs one load of shared memory and no lock.
 *
 * @param <C> how a process holds the contents, decoded as far as its operations need; see {@link Form}
 */
abstract sealed class SharedContents<C> extends SharedObject permits SharedMap, SharedList, SharedNamespace {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The room for the encoded contents unless chosen: 1 MiB (the shared memory is twice that, for two slots). */
	public static final int DEFAULT_CAPACITY_BYTES = 1 << 20;

	/** Keys and values, in the order their keys were first put, as a Python {@code dict}'s. */
	static final Form<LinkedHashMap<Object, Mapping>> MAPPINGS = new Form<>() {

		@Override
		public LinkedHashMap<Object, Mapping> decode(List<Item> items, MessageCodec codec) {
			LinkedHashMap<Object, Mapping> mappings = new LinkedHashMap<>();
			for (int i = 0; i < items.size(); i += 2) {
				mappings.put(items.get(i).value(codec), new Mapping(items.get(i), items.get(i + 1)));
			}
			return mappings;
		}

		@Override
		public LinkedHashMap<Object, Mapping> copy(LinkedHashMap<Object, Mapping> contents) {
			return new LinkedHashMap<>(contents);
		}

		@Override
		public List<Item> items(LinkedHashMap<Object, Mapping> contents) {
			List<Item> items = new ArrayList<>(2 * contents.size());
			for (Mapping mapping : contents.values()) {
				items.add(mapping.key());
				items.add(mapping.value());
			}
			return items;
		}

	};

	/** Elements in order, decoded only when read. */
	static final Form<ArrayList<Item>> ELEMENTS = new Form<>() {

		@Override
		public ArrayList<Item> decode(List<Item> items, MessageCodec codec) {
			return new ArrayList<>(items);
		}

		@Override
		public ArrayList<Item> copy(ArrayList<Item> contents) {
			return new ArrayList<>(contents);
		}

		@Override
		public List<Item> items(ArrayList<Item> contents) {
			return contents;
		}

	};

	private static final int VERSION = 0;

	/** The bytes of the contents in each slot: slot 0's, then slot 1's. */
	private static final int LENGTHS = 8;

	private static final int HEADER = 64;

	private final ProcessLock lock;

	/** The template's method that makes this kind of object, for the message of a full one. */
	private final String factory;

	private transient MessageCodec codec;

	/** The contents this process last read or wrote, with their version. */
	private transient volatile @Nullable Seen<C> seen;

	SharedContents(SharedObjects owner, String kind, String factory, int capacityBytes) {
		super(owner, owner.allocate(kind, bytesFor(capacityBytes)));
		this.lock = owner.register(new ProcessLock(owner, kind + "-lock", false));
		this.factory = factory;
		this.codec = new MessageCodec(this);
	}

	private static int bytesFor(int capacityBytes) {
		int most = (Integer.MAX_VALUE - HEADER) / 2;
		if (capacityBytes < 1 || capacityBytes > most) {
			throw new IllegalArgumentException("capacityBytes must be between 1 and " + most + ": " + capacityBytes);
		}
		return HEADER + 2 * capacityBytes;
	}

	@Override
	void attached() {
		this.codec = new MessageCodec(this);
	}

	/** How this kind of object holds its contents. */
	abstract Form<C> form();

	/** The most bytes the encoded contents may take; a change beyond it throws {@link SharedObjectFullException}. */
	public final int capacityBytes() {
		return (memory().size() - HEADER) / 2;
	}

	/** Releases this object and its lock; see {@link SharedObject#close()}. */
	@Override
	public void close() {
		super.close();
		this.lock.close();
	}

	/**
	 * Encodes a key, value or element.
	 * @throws dev.mp.SerializationException when it cannot be serialized or its class is refused
	 */
	final Item item(Object value) {
		return Item.of(value, this.codec);
	}

	/** Decodes an item anew. */
	final Object value(Item item) {
		return item.value(this.codec);
	}

	/** The current contents, not to be changed: this process's copy while the version has not moved. */
	final C read() {
		Seen<C> seen = this.seen;
		if (seen != null && seen.version() == memory().getLong(VERSION)) {
			return seen.contents();
		}
		this.lock.lock();
		try {
			return load();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Changes the contents atomically: under the lock, {@code change} gets a copy of the current contents to change,
	 * which is then written if it differs from them. If {@code change} throws, or the copy does not fit, nothing is
	 * written.
	 * @return what {@code change} returned
	 * @throws SharedObjectFullException when the changed contents do not fit
	 */
	final <R extends @Nullable Object> R update(Function<C, R> change) {
		if (this.lock.isHeldByCurrentThread()) {
			throw new IllegalStateException(getClass().getSimpleName() + " " + name() + " was changed from inside a "
					+ "function that is changing it (compute, merge, replaceAll...): change it once that returns");
		}
		this.lock.lock();
		try {
			C current = load();
			C changed = form().copy(current);
			R result = change.apply(changed);
			// items compare by identity: a copy equal to what was read still holds the very items it held
			if (!changed.equals(current)) {
				write(changed);
			}
			return result;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Under the lock: the current contents, read from their slot unless this process has them. */
	private C load() {
		long version = memory().getLong(VERSION);
		Seen<C> seen = this.seen;
		if (seen != null && seen.version() == version) {
			return seen.contents();
		}
		int slot = (int) (version & 1);
		ByteBuffer in = memory().slice(slotOffset(slot), (int) memory().getLong(LENGTHS + 8 * slot));
		List<Item> items = new ArrayList<>();
		while (in.hasRemaining()) {
			items.add(Item.readFrom(in));
		}
		C contents = form().decode(items, this.codec);
		this.seen = new Seen<>(version, contents);
		return contents;
	}

	/** Under the lock: writes the contents whole into the slot not in use, then makes it the current one. */
	private void write(C contents) {
		List<Item> items = form().items(contents);
		long needed = 0;
		for (Item item : items) {
			needed += item.size();
		}
		int capacity = capacityBytes();
		if (needed > capacity) {
			throw new SharedObjectFullException(getClass().getSimpleName() + " " + name() + " is full: the changed "
					+ "contents take " + needed + " bytes, and it has room for " + capacity + "; nothing was changed "
					+ "(make it with more room: ProcessTemplate." + this.factory + "(capacityBytes))", capacity,
					needed);
		}
		long version = memory().getLong(VERSION) + 1;
		int slot = (int) (version & 1);
		ByteBuffer out = memory().slice(slotOffset(slot), capacity);
		for (Item item : items) {
			item.writeTo(out);
		}
		memory().setLong(LENGTHS + 8 * slot, needed);
		// the new contents are whole: from this store on they are the current ones
		memory().setLongRelease(VERSION, version);
		this.seen = new Seen<>(version, contents);
	}

	private int slotOffset(int slot) {
		return HEADER + slot * capacityBytes();
	}

	/**
	 * How one kind of object holds its contents in a process. The contents must compare equal exactly when they hold
	 * the same items (compared by identity) in the same places.
	 */
	interface Form<C> {

		/** The contents held by the items read from a slot. */
		C decode(List<Item> items, MessageCodec codec);

		/** A copy to change. */
		C copy(C contents);

		/** The items to write, in order. */
		List<Item> items(C contents);

	}

	/** A key and its value, as stored. */
	record Mapping(Item key, Item value) {
	}

	private record Seen<C>(long version, C contents) {
	}

}

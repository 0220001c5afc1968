package dev.mp.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.mp.ClassRefusedException;
import dev.mp.SerializationException;
import dev.mp.internal.wire.Throwables;
import dev.mp.spi.Codec;

/**
 * The default {@link Codec}: JDK serialization, guarded on both sides by a {@link ClassAllowList}. Encoding refuses an
 * object whose class is not allowed (so the sender learns at once, before anything is forked); decoding installs an
 * {@link ObjectInputFilter} that refuses unlisted classes and caps depth, references and array sizes.
 */
public final class JavaSerializationCodec implements Codec {

	private static final long MAX_DEPTH = 1_000;

	private static final long MAX_REFERENCES = 10_000_000;

	/**
	 * Caps the arrays of one stream together, relative to its size limit, so that a few bytes declaring arrays nested
	 * in arrays cannot take the heap. A real stream stays well under it: a primitive array carries its elements in the
	 * stream, a reference array takes at least one byte per element (4 in memory), and a hash table at most 8 slots per
	 * mapping of at least 6 bytes.
	 */
	private static final long MAX_ARRAY_BYTES_PER_STREAM_BYTE = 8;

	private final ClassAllowList allowList;

	private final String howToAllow;

	private final long maxBytes;

	private volatile ResolvedClasses resolved = ResolvedClasses.of(null);

	/**
	 * @param allowList classes that may be encoded and decoded
	 * @param howToAllow what a user does to allow a refused class; ends the refusal message
	 * @param maxBytes the largest stream accepted, in bytes
	 */
	public JavaSerializationCodec(ClassAllowList allowList, String howToAllow, long maxBytes) {
		this.allowList = allowList;
		this.howToAllow = howToAllow;
		this.maxBytes = maxBytes;
	}

	/** What this codec lets through. */
	public ClassAllowList allowList() {
		return this.allowList;
	}

	@Override
	public byte[] encode(Object value) {
		ByteBlocks bytes = new ByteBlocks(this.maxBytes);
		try (ObjectOutputStream out = new CheckingOutputStream(bytes)) {
			out.writeObject(value);
		}
		catch (ClassRefusedException ex) {
			throw ex;
		}
		catch (ByteBlocks.LimitExceededException ex) {
			throw new SerializationException(describe(value) + " serializes to more than the frame limit of "
					+ this.maxBytes + " bytes: send less, or raise mp.protocol.max-frame-size", null);
		}
		catch (NotSerializableException ex) {
			throw new SerializationException("Cannot send a " + ex.getMessage() + " to another process: it does not "
					+ "implement java.io.Serializable (make it Serializable, or pass something that is)", ex);
		}
		catch (IOException | RuntimeException ex) {
			throw new SerializationException("Cannot serialize " + describe(value) + ": " + Throwables.describe(ex), ex);
		}
		return bytes.toByteArray();
	}

	@Override
	public Object decode(byte[] bytes, ClassLoader classLoader) {
		RefusalRecordingFilter filter = new RefusalRecordingFilter();
		try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes), classLoader,
				resolvedFor(classLoader).byName())) {
			in.setObjectInputFilter(filter);
			return in.readObject();
		}
		catch (InvalidClassException ex) {
			if (filter.refused != null) {
				throw new ClassRefusedException(filter.refused, this.howToAllow);
			}
			throw new SerializationException("Cannot deserialize: " + Throwables.describe(ex), ex);
		}
		catch (ClassNotFoundException ex) {
			throw new SerializationException("Cannot deserialize: class " + ex.getMessage()
					+ " is not on this JVM's class path", ex);
		}
		catch (IOException | RuntimeException ex) {
			throw new SerializationException("Cannot deserialize: " + Throwables.describe(ex), ex);
		}
		catch (LinkageError | InternalError ex) {
			// a class in the stream is on the class path but cannot be loaded (a missing dependency) or initialized,
			// or a JDK class refuses malformed state with an error (Map.of's serial form with an odd length)
			throw new SerializationException("Cannot deserialize: " + Throwables.describe(ex), ex);
		}
		catch (StackOverflowError ex) {
			// nesting within MAX_DEPTH can still be deeper than the reading thread's stack
			throw new SerializationException("Cannot deserialize: the value is nested too deeply for this thread's "
					+ "stack", ex);
		}
	}

	private static String describe(Object value) {
		return (value != null) ? "a " + value.getClass().getName() : "null";
	}

	private static long elementBytes(Class<?> component) {
		if (component == null || !component.isPrimitive()) {
			return 4;
		}
		if (component == long.class || component == double.class) {
			return 8;
		}
		if (component == int.class || component == float.class) {
			return 4;
		}
		return (component == byte.class || component == boolean.class) ? 1 : 2;
	}

	/** Checks each object written against the allow-list, so a refused class never leaves the sender. */
	private final class CheckingOutputStream extends ObjectOutputStream {

		CheckingOutputStream(OutputStream out) throws IOException {
			super(out);
			enableReplaceObject(true);
		}

		@Override
		protected Object replaceObject(Object obj) {
			if (obj != null && !JavaSerializationCodec.this.allowList.allows(obj.getClass())) {
				throw new ClassRefusedException(obj.getClass().getName(), JavaSerializationCodec.this.howToAllow);
			}
			return obj;
		}

	}

	/**
	 * The classes one loader resolved, by name: {@code Class.forName} costs about a microsecond per class per call.
	 * The classes hold their loader anyway, so the loader is held plainly.
	 */
	private record ResolvedClasses(ClassLoader loader, Map<String, Class<?>> byName) {

		static ResolvedClasses of(ClassLoader loader) {
			return new ResolvedClasses(loader, new ConcurrentHashMap<>());
		}

	}

	private ResolvedClasses resolvedFor(ClassLoader classLoader) {
		ResolvedClasses resolved = this.resolved;
		if (resolved.loader() != classLoader) {
			// one loader per codec in practice; another one starts afresh rather than holding both
			resolved = ResolvedClasses.of(classLoader);
			this.resolved = resolved;
		}
		return resolved;
	}

	/** Resolves classes through a chosen loader (the application's, which may not be the system one in a fat jar). */
	private static final class LoaderInputStream extends ObjectInputStream {

		private final ClassLoader classLoader;

		private final Map<String, Class<?>> resolved;

		LoaderInputStream(ByteArrayInputStream in, ClassLoader classLoader, Map<String, Class<?>> resolved)
				throws IOException {
			super(in);
			this.classLoader = classLoader;
			this.resolved = resolved;
		}

		@Override
		protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
			Class<?> known = this.resolved.get(desc.getName());
			if (known != null) {
				return known;
			}
			try {
				Class<?> found = Class.forName(desc.getName(), false, this.classLoader);
				this.resolved.put(desc.getName(), found);
				return found;
			}
			catch (ClassNotFoundException ex) {
				return super.resolveClass(desc);
			}
		}

	}

	/** Allow-list and limits; remembers the first refused class for the error message. */
	private final class RefusalRecordingFilter implements ObjectInputFilter {

		private String refused;

		/** Bytes of every array allocated so far: arrays nested in arrays are all allocated before any completes. */
		private long allArrayBytes;

		@Override
		public Status checkInput(FilterInfo info) {
			Class<?> type = info.serialClass();
			// an array is allocated before its elements are read: judge it by the bytes it would take
			long arrayBytes = (info.arrayLength() > 0 && type != null)
					? info.arrayLength() * elementBytes(type.getComponentType()) : 0;
			this.allArrayBytes += arrayBytes;
			if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES
					|| info.streamBytes() > JavaSerializationCodec.this.maxBytes
					|| arrayBytes > JavaSerializationCodec.this.maxBytes
					|| this.allArrayBytes / MAX_ARRAY_BYTES_PER_STREAM_BYTE > JavaSerializationCodec.this.maxBytes) {
				return Status.REJECTED;
			}
			if (type == null) {
				return Status.UNDECIDED;
			}
			if (JavaSerializationCodec.this.allowList.allows(type)) {
				return Status.ALLOWED;
			}
			if (this.refused == null) {
				this.refused = type.getName();
			}
			return Status.REJECTED;
		}

	}

}

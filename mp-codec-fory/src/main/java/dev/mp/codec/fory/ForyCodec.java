package dev.mp.codec.fory;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.collection.MultiKeyWeakMap;
import org.apache.fory.config.Language;
import org.apache.fory.exception.DeserializationException;
import org.apache.fory.memory.MemoryBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.ClassRefusedException;
import dev.mp.SerializationException;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecSettings;

/**
 * mp's fast {@link Codec}: Apache Fory in its Java mode. It tracks references, so shared references and cycles survive
 * as with JDK serialization, and checks each class's version (a hash of its fields), so a class whose fields differ
 * between the two sides fails to decode instead of decoding garbage. Fory asks the settings' allow-list before it loads
 * a class by name, so a refused class is never loaded, let alone instantiated. A value Fory cannot carry goes whole
 * through the settings' fallback codec, logged at debug level and counted ({@link #fallbacks()}).
 * <p>
 * Every value starts with a header: a marker, which codec wrote the rest (Fory or the fallback), and a stamp of Fory's
 * version and this format, so that the bytes of another codec, or of another Fory, fail with a message that says so.
 */
public final class ForyCodec implements Codec {

	private static final Logger logger = LoggerFactory.getLogger(ForyCodec.class);

	/** Neither JDK serialization's first byte ({@code 0xAC}) nor a small tag. */
	private static final byte MAGIC = (byte) 0xF0;

	private static final byte BY_FORY = 1;

	private static final byte BY_FALLBACK = 2;

	private static final int HEADER_BYTES = 6;

	private static final int STAMP = ForyCodecProvider.STAMP.hashCode();

	/** As deep as the JDK codec lets a stream nest; the default of 50 refuses ordinary nested records. */
	private static final int MAX_DEPTH = 1_000;

	/**
	 * Fory's cap on the memory one value's graph may take, against a few bytes that declare a huge graph: its default
	 * (128 MiB), or as the JDK codec caps a stream's arrays, 8 bytes per byte of the largest value, if that is more.
	 * Below the default, legitimate values are refused: 50,000 empty lists encode to 100 KB and count as 800 KB.
	 */
	private static final long MIN_MAX_GRAPH_BYTES = 128L << 20;

	private static final long MAX_GRAPH_BYTES_PER_VALUE_BYTE = 8;

	static {
		// before any Fory class logs: its own logger writes to stdout, which in a worker reaches the parent's log as
		// a line of output; through SLF4J its lines have their level and logger, and the application's settings apply
		org.apache.fory.logging.LoggerFactory.useSlf4jLogging(true);
		startWeakMapCleaner();
	}

	/**
	 * Fory's weak caches (of record accessors, of generated code) share a cleaner thread that their first use starts.
	 * A new thread keeps the context class loader of the thread that made it and, on Java 17, the protection domains
	 * of the code on its stack, which name their class loaders. Under Spring Boot DevTools both would be the first
	 * restart class loader, kept alive with that generation of the application's classes through every later restart.
	 * Started here, with this module's loader and, privileged, with no caller's domains, the thread keeps neither.
	 */
	@SuppressWarnings("removal")
	private static void startWeakMapCleaner() {
		Thread thread = Thread.currentThread();
		ClassLoader context = thread.getContextClassLoader();
		thread.setContextClassLoader(ForyCodec.class.getClassLoader());
		try {
			AccessController.doPrivileged((PrivilegedAction<Void>) () -> {
				new MultiKeyWeakMap<Boolean>().put(new Object[] { ForyCodec.class }, Boolean.TRUE);
				return null;
			});
		}
		finally {
			thread.setContextClassLoader(context);
		}
	}

	private final CodecSettings settings;

	private final boolean generatedSerializers;

	private final LongAdder fallbacks = new LongAdder();

	/** The class the allow-list last refused on this thread, for the refusal's message. */
	private final ThreadLocal<@Nullable String> refused = new ThreadLocal<>();

	private volatile LoaderFory current;

	/**
	 * @param settings what mp asks of every codec
	 * @param generatedSerializers whether Fory generates and compiles a serializer for each class, which makes a warm
	 * round trip faster but costs tens to hundreds of milliseconds per class on first sight in each JVM; the bytes are
	 * the same either way, so each side may choose
	 */
	ForyCodec(CodecSettings settings, boolean generatedSerializers) {
		this.settings = settings;
		this.generatedSerializers = generatedSerializers;
		this.current = new LoaderFory(settings.classLoader(), build(settings.classLoader()));
	}

	/** How many values went through the fallback codec because Fory could not encode them. */
	public long fallbacks() {
		return this.fallbacks.sum();
	}

	@Override
	public byte[] encode(Object value) {
		this.refused.remove();
		byte[] body;
		try {
			// Fory writes into its pooled buffer, grown by the values before; that and a copy behind the header cost
			// less than a fresh buffer growing
			body = this.current.fory().serialize(value);
		}
		catch (RuntimeException | LinkageError ex) {
			String refusedClass = this.refused.get();
			if (refusedClass != null) {
				throw new ClassRefusedException(refusedClass, this.settings.howToAllow());
			}
			return encodeWithFallback(value, ex);
		}
		return checkSize(withHeader(BY_FORY, body), value);
	}

	@Override
	public Object decode(byte[] bytes, ClassLoader classLoader) {
		if (bytes.length > this.settings.maxBytes()) {
			throw new SerializationException("Cannot decode " + bytes.length + " bytes: more than the limit of "
					+ this.settings.maxBytes() + " bytes (mp.protocol.max-frame-size)", null);
		}
		if (readHeader(bytes) == BY_FALLBACK) {
			return this.settings.fallback().decode(Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length), classLoader);
		}
		this.refused.remove();
		try {
			return foryFor(classLoader).execute((fory) -> {
				MemoryBuffer buffer = MemoryBuffer.fromByteArray(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
				Object value = fory.deserialize(buffer);
				if (buffer.readerIndex() != buffer.size()) {
					throw new SerializationException("Cannot decode: " + (buffer.size() - buffer.readerIndex())
							+ " bytes follow the value", null);
				}
				return value;
			});
		}
		catch (SerializationException ex) {
			throw ex;
		}
		catch (RuntimeException | LinkageError | StackOverflowError ex) {
			String refusedClass = this.refused.get();
			if (refusedClass != null) {
				throw new ClassRefusedException(refusedClass, this.settings.howToAllow());
			}
			// Fory's own wrapper would describe the objects read so far, through their toString
			Throwable reason = (ex instanceof DeserializationException && ex.getCause() != null) ? ex.getCause() : ex;
			String described = describeFailure(reason);
			throw new SerializationException("Cannot decode: " + described + classVersionHint(described), reason);
		}
	}

	private byte[] encodeWithFallback(Object value, Throwable foryFailure) {
		byte[] encoded = this.settings.fallback().encode(value);
		this.fallbacks.increment();
		logger.debug("Fory cannot encode {}, so it went with the fallback codec: {}", describe(value),
				describeFailure(foryFailure));
		return checkSize(withHeader(BY_FALLBACK, encoded), value);
	}

	private byte[] checkSize(byte[] bytes, Object value) {
		if (bytes.length > this.settings.maxBytes()) {
			throw new SerializationException(describe(value) + " encodes to " + bytes.length + " bytes, more than the "
					+ "limit of " + this.settings.maxBytes() + " bytes: send less, or raise mp.protocol.max-frame-size",
					null);
		}
		return bytes;
	}

	private static byte[] withHeader(byte writer, byte[] body) {
		byte[] bytes = new byte[HEADER_BYTES + body.length];
		MemoryBuffer header = MemoryBuffer.fromByteArray(bytes, 0, HEADER_BYTES);
		header.writeByte(MAGIC);
		header.writeByte(writer);
		header.writeInt32(STAMP);
		System.arraycopy(body, 0, bytes, HEADER_BYTES, body.length);
		return bytes;
	}

	/** The header's writer byte, once the header is known to be this codec's. */
	private static byte readHeader(byte[] bytes) {
		if (bytes.length >= 2 && bytes[0] == (byte) 0xAC && bytes[1] == (byte) 0xED) {
			throw new SerializationException("Cannot decode: the bytes are JDK serialization, not the fory codec's; both "
					+ "sides must use the same codec (mp.serialization.codec)", null);
		}
		if (bytes.length < HEADER_BYTES || bytes[0] != MAGIC || (bytes[1] != BY_FORY && bytes[1] != BY_FALLBACK)) {
			throw new SerializationException("Cannot decode: the bytes were not written by the fory codec", null);
		}
		if (MemoryBuffer.fromByteArray(bytes, 2, 4).readInt32() != STAMP) {
			throw new SerializationException("Cannot decode: the bytes were written by another version of the fory "
					+ "codec (this one is " + ForyCodecProvider.STAMP + "); both sides must run the same build", null);
		}
		return bytes[1];
	}

	/** Fory's words for a class whose fields differ from the writer's do not say how that comes about. */
	private static String classVersionHint(String failure) {
		return failure.contains(": Read class ") && failure.contains(" is not consistent with ")
				? " (the sender's build of that class has other fields: both sides must run the same build)" : "";
	}

	private static String describe(@Nullable Object value) {
		return (value != null) ? "a " + value.getClass().getName() : "null";
	}

	/**
	 * {@code class: message}, or the class and what its {@code getMessage()} threw: a value's own code (a
	 * {@code readResolve}, a {@code writeObject}) may throw an exception that cannot describe itself.
	 */
	private static String describeFailure(Throwable failure) {
		String className = failure.getClass().getName();
		try {
			String message = failure.getMessage();
			return (message != null) ? className + ": " + message : className;
		}
		catch (Throwable ex) {
			return className + " (its getMessage() threw " + ex.getClass().getName() + ")";
		}
	}

	private ThreadSafeFory foryFor(ClassLoader classLoader) {
		LoaderFory current = this.current;
		if (current.loader() != classLoader) {
			current = switchLoader(classLoader);
		}
		return current.fory();
	}

	/** One loader per codec in practice; another one gets a Fory of its own, which replaces the last one. */
	private synchronized LoaderFory switchLoader(ClassLoader classLoader) {
		LoaderFory current = this.current;
		if (current.loader() != classLoader) {
			current = new LoaderFory(classLoader, build(classLoader));
			this.current = current;
		}
		return current;
	}

	private ThreadSafeFory build(ClassLoader classLoader) {
		return Fory.builder()
			.withLanguage(Language.JAVA)
			.withClassLoader(classLoader)
			.withRefTracking(true)
			.withCompatible(false)
			.withClassVersionCheck(true)
			.requireClassRegistration(false)
			.withTypeChecker((resolver, className) -> allows(className))
			.withMaxDepth(MAX_DEPTH)
			.withCodegen(this.generatedSerializers)
			.withMaxGraphMemoryBytes(Math.max(MIN_MAX_GRAPH_BYTES, Math.min(this.settings.maxBytes(),
					Long.MAX_VALUE / MAX_GRAPH_BYTES_PER_VALUE_BYTE) * MAX_GRAPH_BYTES_PER_VALUE_BYTE))
			.buildThreadSafeForyPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
	}

	/**
	 * Whether the allow-list lets a class through, by the name Fory gives: arrays as JVM descriptors
	 * ({@code [Lcom.acme.Item;}, {@code [[I}), judged by their component type; a lambda being encoded as the hidden
	 * class the JDK spun for it ({@code com.acme.Task$$Lambda$14/0x...}, a name no class loader can load), judged by
	 * the class that captured it, which is what decoding asks about.
	 */
	private boolean allows(String className) {
		String name = className;
		if (name.startsWith("[")) {
			int dimensions = 0;
			while (dimensions < name.length() && name.charAt(dimensions) == '[') {
				dimensions++;
			}
			if (name.length() == dimensions + 1 && "ZBCSIJFD".indexOf(name.charAt(dimensions)) >= 0) {
				return true;
			}
			if (dimensions < name.length() && name.charAt(dimensions) == 'L' && name.endsWith(";")) {
				name = name.substring(dimensions + 1, name.length() - 1);
			}
		}
		int lambda = name.indexOf("$$Lambda");
		if (lambda > 0 && name.indexOf('/', lambda) > 0) {
			name = name.substring(0, lambda);
		}
		if (this.settings.allowedClasses().test(name)) {
			return true;
		}
		this.refused.set(name);
		return false;
	}

	private record LoaderFory(ClassLoader loader, ThreadSafeFory fory) {
	}

}

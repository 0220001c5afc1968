package dev.mp.sync;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.SerializableRunnable;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.internal.launch.PrivateDirectories;
import dev.mp.internal.shm.ReceivingProcess;
import dev.mp.internal.shm.SharedMemory;
import dev.mp.spi.Codec;

/**
 * Makes the shared objects of one {@code ProcessTemplate} and removes them when it closes. Each object is a file in
 * a private directory (0700) under {@code /dev/shm} where the system has it (memory, never disk), else under the
 * temporary directory; the directory name carries this process's pid, so one left behind by a killed parent is
 * removed by the next template that starts on the machine.
 *
 * <p>Use it through {@code ProcessTemplate}'s factory methods ({@code lock()}, {@code queue()}, ...).
 */
public final class SharedObjects implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SharedObjects.class);

	private static final String PREFIX = "mp-shm-";

	private static final Pattern DIRECTORY_NAME = Pattern.compile(Pattern.quote(PREFIX) + "\\d+-\\d+");


	/** Every shared object this process has, made or received, by file: a received object resolves to the same one. */
	private static final Map<String, WeakReference<SharedObject>> known = new ConcurrentHashMap<>();

	/** How objects received outside a worker decode messages: with the default allow-list. */
	private static final class DefaultReceivedCodec {

		static final Codec CODEC = new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()),
				"allow it in the template that made this object", 64 * 1024 * 1024);

	}

	private final Path directory;

	private final Supplier<Codec> codec;

	private final ClassLoader classLoader;

	private final AtomicInteger numbers = new AtomicInteger();

	private final Map<String, SharedObject> made = new ConcurrentHashMap<>();

	private volatile boolean closed;

	private SharedObjects(Path directory, Supplier<Codec> codec, ClassLoader classLoader) {
		this.directory = directory;
		this.codec = codec;
		this.classLoader = classLoader;
	}

	/**
	 * Opens a private directory for shared objects.
	 * @param base where to make it; {@code null} for {@code /dev/shm} when writable, else {@code java.io.tmpdir}
	 * @param codec how queues and pipes encode their messages (read each time: the allow-list can grow)
	 * @param classLoader the loader for classes in decoded messages
	 * @return the registry
	 * @throws IOException when the directory cannot be made
	 */
	public static SharedObjects open(@Nullable Path base, Supplier<Codec> codec, ClassLoader classLoader)
			throws IOException {
		Path directory = PrivateDirectories.create((base != null) ? base : defaultBase(), PREFIX);
		return new SharedObjects(directory, Objects.requireNonNull(codec, "codec"),
				Objects.requireNonNull(classLoader, "classLoader"));
	}

	private static Path defaultBase() {
		Path shm = Path.of("/dev/shm");
		return (Files.isDirectory(shm) && Files.isWritable(shm)) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
	}

	/** Whether a directory's name is one this class makes. */
	static boolean isDirectoryName(String name) {
		return DIRECTORY_NAME.matcher(name).matches();
	}

	/** The directory that holds this registry's objects. */
	public Path directory() {
		return this.directory;
	}

	/** A new file of zeros, mapped (see {@link SharedMemory#create}). */
	SharedMemory allocate(String kind, int bytes) {
		if (this.closed) {
			throw new IllegalStateException("This template is closed: it makes no more shared objects");
		}
		Path file = this.directory.resolve(kind + "-" + this.numbers.incrementAndGet());
		try {
			return SharedMemory.create(file, bytes);
		}
		catch (IOException ex) {
			throw new SharedMemoryException("Cannot make " + bytes + " bytes of shared memory in " + this.directory
					+ ": " + ex + " (is the file system full? /dev/shm in a container is often 64 MB: raise it with "
					+ "--shm-size, or make fewer or smaller objects)", ex);
		}
	}

	/** A lock; reentrant like {@code RLock} or not like {@code Lock}. */
	public ProcessLock lock(boolean reentrant) {
		return register(new ProcessLock(this, reentrant));
	}

	/** A semaphore; bounded like {@code BoundedSemaphore} or not like {@code Semaphore}. */
	public ProcessSemaphore semaphore(int permits, boolean bounded) {
		if (permits < 0) {
			throw new IllegalArgumentException("permits must not be negative: " + permits);
		}
		return register(new ProcessSemaphore(this, permits, bounded));
	}

	/** An event, initially clear. */
	public ProcessEvent event() {
		return register(new ProcessEvent(this));
	}

	/**
	 * A barrier for {@code parties}, running {@code action} (may be {@code null}) when it trips; {@code await()}
	 * waits at most {@code timeout} ({@code null} for no limit).
	 */
	public ProcessBarrier barrier(int parties, @Nullable SerializableRunnable action, @Nullable Duration timeout) {
		if (parties < 1) {
			throw new IllegalArgumentException("parties must be positive: " + parties);
		}
		if (timeout != null && timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative: " + timeout);
		}
		return register(new ProcessBarrier(this, parties, action, timeout));
	}

	/** A queue of at most {@code maxSize} messages (0 for no limit) in a ring of {@code capacityBytes}. */
	public <E> ProcessQueue<E> queue(int maxSize, int capacityBytes) {
		return register(new ProcessQueue<>(this, maxSize, capacityBytes));
	}

	/** A queue whose consumers report each message done, so that producers can wait for all of them. */
	public <E> JoinableProcessQueue<E> joinableQueue(int maxSize, int capacityBytes) {
		return register(new JoinableProcessQueue<>(this, maxSize, capacityBytes));
	}

	/** Two connected ends; with {@code duplex} false the first only receives and the second only sends. */
	public <E> Pipe<E> pipe(boolean duplex, int capacityBytes) {
		Pipe<E> pipe = Pipe.create(this, duplex, capacityBytes);
		register(pipe.first());
		register(pipe.second());
		return pipe;
	}

	public SharedLong sharedLong(long initialValue) {
		return register(new SharedLong(this, initialValue));
	}

	public SharedInt sharedInt(int initialValue) {
		return register(new SharedInt(this, initialValue));
	}

	public SharedDouble sharedDouble(double initialValue) {
		return register(new SharedDouble(this, initialValue));
	}

	public SharedLongArray sharedLongArray(int length) {
		return register(new SharedLongArray(this, length));
	}

	public SharedIntArray sharedIntArray(int length) {
		return register(new SharedIntArray(this, length));
	}

	public SharedDoubleArray sharedDoubleArray(int length) {
		return register(new SharedDoubleArray(this, length));
	}

	public SharedByteArray sharedByteArray(int length) {
		return register(new SharedByteArray(this, length));
	}

	/** A map like Python's {@code Manager().dict()}, with room for {@code capacityBytes} of encoded contents. */
	public <K, V> SharedMap<K, V> sharedMap(int capacityBytes) {
		return register(new SharedMap<>(this, capacityBytes));
	}

	/** A list like Python's {@code Manager().list()}, with room for {@code capacityBytes} of encoded contents. */
	public <E> SharedList<E> sharedList(int capacityBytes) {
		return register(new SharedList<>(this, capacityBytes));
	}

	/** A namespace like Python's {@code Manager().Namespace()}, with room for {@code capacityBytes} of contents. */
	public SharedNamespace namespace(int capacityBytes) {
		return register(new SharedNamespace(this, capacityBytes));
	}

	/** Records an object made here, so that it is closed with the registry and resolves to itself when received. */
	<T extends SharedObject> T register(T object) {
		this.made.put(object.file(), object);
		known.put(object.file(), new WeakReference<>(object));
		return object;
	}

	Codec codec() {
		return this.codec.get();
	}

	ClassLoader classLoader() {
		return this.classLoader;
	}

	static Codec receivedCodec() {
		Codec worker = ReceivingProcess.codec();
		return (worker != null) ? worker : DefaultReceivedCodec.CODEC;
	}

	static ClassLoader receivedClassLoader() {
		ClassLoader worker = ReceivingProcess.classLoader();
		return (worker != null) ? worker : SharedObjects.class.getClassLoader();
	}

	static @Nullable SharedObject known(String file) {
		WeakReference<SharedObject> reference = known.get(file);
		return (reference != null) ? reference.get() : null;
	}

	/**
	 * The object this process already has for the same file, else this one, remembered. Weakly: a worker that
	 * receives a new queue with every task lets go of each one (and its mapping) once nothing uses it.
	 */
	static SharedObject remember(SharedObject received) {
		known.values().removeIf((reference) -> reference.get() == null);
		WeakReference<SharedObject> mine = new WeakReference<>(received);
		WeakReference<SharedObject> earlier = known.merge(received.file(), mine,
				(old, fresh) -> (old.get() != null) ? old : fresh);
		SharedObject kept = earlier.get();
		return (kept != null && kept.getClass() == received.getClass()) ? kept : received;
	}

	static void forget(SharedObject object) {
		known.computeIfPresent(object.file(), (file, reference) -> (reference.get() == object) ? null : reference);
		SharedObjects owner = object.owner();
		if (owner != null && owner.made.remove(object.file(), object)) {
			try {
				Files.deleteIfExists(Path.of(object.file()));
			}
			catch (IOException ex) {
				logger.warn("Could not remove shared object {}: {}", object.file(), ex.toString());
			}
		}
	}

	/** Removes every object made here; processes still using one keep their mapping until they exit. */
	@Override
	public void close() {
		this.closed = true;
		this.made.values().forEach(SharedObject::close);
		PrivateDirectories.delete(this.directory);
	}

}

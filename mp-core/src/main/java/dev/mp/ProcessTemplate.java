package dev.mp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.call.BeanMethodInvocation;
import dev.mp.internal.call.BoundTarget;
import dev.mp.internal.call.CallContext;
import dev.mp.internal.call.CallEncoder;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.GuardedCallObserver;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.launch.LocalWorkerLauncher;
import dev.mp.internal.logging.LogEvents;
import dev.mp.internal.parent.ChildJvm;
import dev.mp.internal.parent.TemplateRuntime;
import dev.mp.internal.parent.TemplateSettings;
import dev.mp.internal.worker.InPlaceCalls;
import dev.mp.spi.BeanCall;
import dev.mp.spi.CallObserver;
import dev.mp.spi.LaunchAttributes;
import dev.mp.spi.WorkerLauncher;
import dev.mp.sync.JoinableProcessQueue;
import dev.mp.sync.Pipe;
import dev.mp.sync.ProcessBarrier;
import dev.mp.sync.ProcessEvent;
import dev.mp.sync.ProcessLock;
import dev.mp.sync.ProcessQueue;
import dev.mp.sync.ProcessSemaphore;
import dev.mp.sync.SharedByteArray;
import dev.mp.sync.SharedDouble;
import dev.mp.sync.SharedDoubleArray;
import dev.mp.sync.SharedInt;
import dev.mp.sync.SharedIntArray;
import dev.mp.sync.SharedList;
import dev.mp.sync.SharedLong;
import dev.mp.sync.SharedLongArray;
import dev.mp.sync.SharedMap;
import dev.mp.sync.SharedNamespace;

/**
 * The entry point to mp: starts child JVMs as processes or for single calls, keeps track of them, and cleans them up.
 * Usable on its own (try-with-resources) or as the Spring bean that {@code mp-spring-boot-starter} registers.
 *
 * <pre>{@code
 * try (ProcessTemplate mp = new ProcessTemplate()) {
 *     ManagedProcess p = mp.process(() -> System.out.println("hello from a child JVM")).start();
 *     p.join();
 * }
 * }</pre>
 *
 * On {@link #close()}: no new work is taken; daemon children are terminated; non-daemon children are joined for the
 * shutdown grace period, then terminated, then killed. After close, no child of this template is alive.
 */
public final class ProcessTemplate implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ProcessTemplate.class);

	private final ProcessOptions defaults;

	private final Map<String, PoolOptions> poolOptions;

	private final PoolOptions defaultPoolOptions;

	private final CallEncoder encoder;

	private final TemplateRuntime runtime;

	private final InPlaceCalls inPlaceCalls;

	/** A template with default settings. */
	public ProcessTemplate() {
		this(builder());
	}

	private ProcessTemplate(Builder builder) {
		this.defaults = builder.defaults;
		this.encoder = new CallEncoder(builder.allowedClasses, builder.howToAllow, builder.maxFrameBytes,
				CodecChoice.of(builder.codec, builder.classLoader), CallContext.of(builder.mdc, builder.mdcKeys),
				GuardedCallObserver.of(builder.callObserver), builder.classLoader);
		this.runtime = new TemplateRuntime(new TemplateSettings(builder.shutdownGracePeriod, builder.maxFrameBytes,
				builder.retainExited, builder.runDirectoryBase, builder.sharedMemoryBase, builder.classLoader,
				builder.launchers, builder.listeners, builder.launchAttributes(), builder.jvmFactsInterval),
				this.encoder);
		this.inPlaceCalls = new InPlaceCalls(this.encoder, builder.maxFrameBytes, builder.callObserver,
				builder.classLoader);
		this.poolOptions = Map.copyOf(builder.pools);
		this.poolOptions.forEach((name, options) -> this.runtime.launcher(options.launcher()));
		this.defaultPoolOptions = (builder.defaultPoolOptions != null) ? builder.defaultPoolOptions
				: PoolOptions.builder().processOptions(this.defaults).build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A process that runs {@code target} in a child JVM, as Python's {@code Process(target=...)}.
	 * @param target the body; it and what it captures travel to the child
	 */
	public ProcessSpec<ManagedProcess> process(SerializableRunnable target) {
		Objects.requireNonNull(target, "target");
		return new ProcessSpec<>(this, new ManagedProcess(target));
	}

	/**
	 * A process that runs {@code target(argument)} in a child JVM, as Python's {@code Process(target=f, args=(a,))}.
	 */
	public <A> ProcessSpec<ManagedProcess> process(SerializableConsumer<A> target, A argument) {
		Objects.requireNonNull(target, "target");
		return new ProcessSpec<>(this, new ManagedProcess(new BoundTarget<>(target, argument)));
	}

	/**
	 * A process whose body is the {@code run()} method of a {@link ManagedProcess} subclass; the instance's fields
	 * travel to the child.
	 */
	public <P extends ManagedProcess> ProcessSpec<P> bind(P process) {
		Objects.requireNonNull(process, "process");
		return new ProcessSpec<>(this, process);
	}

	/**
	 * Runs a task in a fresh child JVM with the default options and returns its result.
	 * @throws dev.mp.SerializationException at once if the task cannot be serialized
	 */
	public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
		return submit(task, this.defaults);
	}

	/** Runs a task in a fresh child JVM started with the given options. */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> submit(SerializableCallable<T> task, ProcessOptions options) {
		this.encoder.allowPackageOf(task.getClass());
		String description = "task " + CallEncoder.describe(task.getClass());
		return (CompletableFuture<T>) this.runtime.invoke(this.encoder.task(task, description, null, task.getClass()),
				description, options, "task");
	}

	/**
	 * Runs one bean method call in a fresh child JVM, which exits after answering. The call is serialized before
	 * anything is forked, so a value that cannot travel fails here, naming its type. Cancelling the returned future
	 * kills the child.
	 * @param call what to run
	 * @param options how to start the child
	 * @param namePrefix the child's name, before a sequence number
	 */
	public CompletableFuture<Object> invoke(BeanCall call, ProcessOptions options, String namePrefix) {
		BeanMethodInvocation invocation = BeanMethodInvocation.of(call);
		return this.runtime.invoke(this.encoder.beanCall(invocation, null), invocation.describe(), options, namePrefix);
	}

	/**
	 * Runs one bean method call in this JVM instead of a worker, for tests ({@code mp.mode=in-place} in a Spring
	 * application): on a thread of its own, as a worker would, with its arguments, its result and what it throws sent
	 * through the template's codec and allow-list both ways, so that a value that could not travel fails the same way
	 * as in a worker. No child JVM is started.
	 * @param call what to run
	 * @param bean the object whose method runs: the target, not a proxy that would send the call again
	 * @param pool the pool the call stands for, as the template's call observer sees it, or {@code null} for a fresh
	 * JVM
	 * @throws SerializationException at once if an argument cannot be sent, as {@link ProcessPool#invoke} does
	 * @throws IllegalStateException if the template is closed
	 */
	public CompletableFuture<Object> invokeInPlace(BeanCall call, Object bean, @Nullable String pool) {
		return invokeInPlace(call, bean, pool, UnaryOperator.identity());
	}

	/**
	 * Runs one bean method call in this JVM, as {@link #invokeInPlace(BeanCall, Object, String)} does, with what the
	 * method returns first turned by {@code returned} as a worker's bootstrap mode turns it (its framework's single
	 * values into futures, see {@link dev.mp.spi.ChildBootstrap#returned}).
	 */
	public CompletableFuture<Object> invokeInPlace(BeanCall call, Object bean, @Nullable String pool,
			UnaryOperator<@Nullable Object> returned) {
		return this.runtime.whileOpen("it runs no new calls",
				() -> this.inPlaceCalls.invoke(call, bean, pool, returned));
	}

	/**
	 * The pool of that name: created on first use with the options the template was built with for it
	 * ({@link Builder#pool}), or the default pool options (as many workers as cores, the template's process
	 * options).
	 */
	public ProcessPool pool(String name) {
		return pool(name, poolOptions(name));
	}

	/** The options {@link #pool(String)} creates that pool with. */
	public PoolOptions poolOptions(String name) {
		return this.poolOptions.getOrDefault(name, this.defaultPoolOptions);
	}

	/**
	 * The pool of that name, created with these options if it does not exist yet.
	 * @throws IllegalStateException if the template is closed
	 */
	public ProcessPool pool(String name, PoolOptions options) {
		return this.runtime.whileOpen("it starts no new pools", () -> {
			this.runtime.launcher(options.launcher());
			return this.runtime.pools().computeIfAbsent(name, (n) -> new ProcessPool(this.runtime, n, options));
		});
	}

	/** The pools created so far. */
	public List<ProcessPool> pools() {
		return List.copyOf(this.runtime.pools().values());
	}

	// Shared objects, Python's multiprocessing.Lock(), Value(), Queue()...: made here, passed to children as arguments.

	/** A lock for threads in all processes that have it, like Python's {@code Lock}; not reentrant. */
	public ProcessLock lock() {
		return this.runtime.sharedObjects().lock(false);
	}

	/** A lock its owner may take again, like Python's {@code RLock} and Java's {@code ReentrantLock}. */
	public ProcessLock reentrantLock() {
		return this.runtime.sharedObjects().lock(true);
	}

	/** A semaphore, like Python's {@code Semaphore}. */
	public ProcessSemaphore semaphore(int permits) {
		return this.runtime.sharedObjects().semaphore(permits, false);
	}

	/** A semaphore that refuses releases beyond {@code permits}, like Python's {@code BoundedSemaphore}. */
	public ProcessSemaphore boundedSemaphore(int permits) {
		return this.runtime.sharedObjects().semaphore(permits, true);
	}

	/** An event, initially clear, like Python's {@code Event}. */
	public ProcessEvent event() {
		return this.runtime.sharedObjects().event();
	}

	/** A barrier for {@code parties}, like Python's {@code Barrier}. */
	public ProcessBarrier barrier(int parties) {
		return this.runtime.sharedObjects().barrier(parties, null, null);
	}

	/** A barrier whose last arriving party runs {@code action} before releasing the others. */
	public ProcessBarrier barrier(int parties, SerializableRunnable action) {
		return this.runtime.sharedObjects().barrier(parties, Objects.requireNonNull(action, "action"), null);
	}

	/**
	 * A barrier whose {@code await()} waits at most {@code timeout}, then breaks, like Python's
	 * {@code Barrier(parties, action, timeout)}; {@code action} may be {@code null}.
	 */
	public ProcessBarrier barrier(int parties, @Nullable SerializableRunnable action, Duration timeout) {
		return this.runtime.sharedObjects().barrier(parties, action, Objects.requireNonNull(timeout, "timeout"));
	}

	/** A queue with no limit on messages, like Python's {@code Queue()}; {@code put} waits only while its ring is full. */
	public <E> ProcessQueue<E> queue() {
		return queue(0, ProcessQueue.DEFAULT_CAPACITY_BYTES);
	}

	/** A queue of at most {@code maxSize} messages, like Python's {@code Queue(maxsize)}. */
	public <E> ProcessQueue<E> queue(int maxSize) {
		return queue(maxSize, ProcessQueue.DEFAULT_CAPACITY_BYTES);
	}

	/**
	 * A queue of at most {@code maxSize} messages (0 for no limit) in a ring of {@code capacityBytes} of shared memory.
	 * Larger messages still pass, streamed through the ring; a ring larger than the messages lets them flow faster.
	 */
	public <E> ProcessQueue<E> queue(int maxSize, int capacityBytes) {
		return this.runtime.sharedObjects().queue(maxSize, capacityBytes);
	}

	/** Python's {@code SimpleQueue}: the same as {@link #queue()}, which needs no feeder thread to be simple. */
	public <E> ProcessQueue<E> simpleQueue() {
		return queue();
	}

	/** A queue with {@code taskDone()} and {@code join()}, like Python's {@code JoinableQueue()}. */
	public <E> JoinableProcessQueue<E> joinableQueue() {
		return joinableQueue(0);
	}

	/** A joinable queue of at most {@code maxSize} messages, like Python's {@code JoinableQueue(maxsize)}. */
	public <E> JoinableProcessQueue<E> joinableQueue(int maxSize) {
		return this.runtime.sharedObjects().joinableQueue(maxSize, ProcessQueue.DEFAULT_CAPACITY_BYTES);
	}

	/** A duplex pipe, like Python's {@code Pipe()}: each end sends to and receives from the other. */
	public <E> Pipe<E> pipe() {
		return pipe(true);
	}

	/**
	 * A pipe, like Python's {@code Pipe(duplex)}: one-way when {@code duplex} is false, where {@code first()} only
	 * receives and {@code second()} only sends.
	 */
	public <E> Pipe<E> pipe(boolean duplex) {
		return this.runtime.sharedObjects().pipe(duplex, ProcessQueue.DEFAULT_CAPACITY_BYTES);
	}

	/** A {@code long} in shared memory, like Python's {@code Value('q')}. */
	public SharedLong sharedLong(long initialValue) {
		return this.runtime.sharedObjects().sharedLong(initialValue);
	}

	/** An {@code int} in shared memory, like Python's {@code Value('i')}. */
	public SharedInt sharedInt(int initialValue) {
		return this.runtime.sharedObjects().sharedInt(initialValue);
	}

	/** A {@code double} in shared memory, like Python's {@code Value('d')}. */
	public SharedDouble sharedDouble(double initialValue) {
		return this.runtime.sharedObjects().sharedDouble(initialValue);
	}

	/** A {@code long[]} of zeros in shared memory, like Python's {@code Array('q', length)}. */
	public SharedLongArray sharedLongArray(int length) {
		return this.runtime.sharedObjects().sharedLongArray(length);
	}

	/** An {@code int[]} of zeros in shared memory, like Python's {@code Array('i', length)}. */
	public SharedIntArray sharedIntArray(int length) {
		return this.runtime.sharedObjects().sharedIntArray(length);
	}

	/** A {@code double[]} of zeros in shared memory, like Python's {@code Array('d', length)}. */
	public SharedDoubleArray sharedDoubleArray(int length) {
		return this.runtime.sharedObjects().sharedDoubleArray(length);
	}

	/** A {@code byte[]} of zeros in shared memory, like Python's {@code Array('b', length)}. */
	public SharedByteArray sharedByteArray(int length) {
		return this.runtime.sharedObjects().sharedByteArray(length);
	}

	/** A map shared by every process it is passed to, like Python's {@code Manager().dict()}; 1 MiB of room. */
	public <K, V> SharedMap<K, V> sharedMap() {
		return sharedMap(SharedMap.DEFAULT_CAPACITY_BYTES);
	}

	/** A shared map, like Python's {@code Manager().dict()}, with room for {@code capacityBytes} of contents. */
	public <K, V> SharedMap<K, V> sharedMap(int capacityBytes) {
		return this.runtime.sharedObjects().sharedMap(capacityBytes);
	}

	/** A list shared by every process it is passed to, like Python's {@code Manager().list()}; 1 MiB of room. */
	public <E> SharedList<E> sharedList() {
		return sharedList(SharedList.DEFAULT_CAPACITY_BYTES);
	}

	/** A shared list, like Python's {@code Manager().list()}, with room for {@code capacityBytes} of contents. */
	public <E> SharedList<E> sharedList(int capacityBytes) {
		return this.runtime.sharedObjects().sharedList(capacityBytes);
	}

	/** Named attributes shared by every process, like Python's {@code Manager().Namespace()}; 1 MiB of room. */
	public SharedNamespace namespace() {
		return namespace(SharedNamespace.DEFAULT_CAPACITY_BYTES);
	}

	/** A shared namespace, like Python's {@code Manager().Namespace()}, with room for {@code capacityBytes}. */
	public SharedNamespace namespace(int capacityBytes) {
		return this.runtime.sharedObjects().namespace(capacityBytes);
	}

	/** Drops an exited child from {@link #children()}. */
	void forget(ChildJvm child) {
		this.runtime.forget(child);
	}

	/** Starts a bound process; see {@link ManagedProcess#start()}. */
	ChildJvm start(ManagedProcess process, ProcessOptions options) {
		Class<?> bodyClass = CallEncoder.bodyClass(process, process.target());
		this.encoder.allowPackageOf(bodyClass);
		String description = "process " + CallEncoder.describe(bodyClass);
		CallRequest request = this.encoder.process(process, process.target(), description);
		ChildJvm child;
		try {
			child = this.runtime.launchProcess(process.name(), process.isDaemon(), options, description);
		}
		catch (RuntimeException ex) {
			request.observeFailed(ex);
			throw ex;
		}
		CompletableFuture<Object> result = child.call(request, null).result();
		request.observeUntil(result);
		result.whenComplete((value, failure) -> {
			if (failure != null && !(failure instanceof ChildProcessException)) {
				logger.warn("Process '{}' (pid {}) failed; its exit code is 1", process.name(), child.pid(), failure);
			}
		});
		return child;
	}

	String nextProcessName() {
		return this.runtime.nextName("process");
	}

	/** The engine behind this template. */
	TemplateRuntime runtime() {
		return this.runtime;
	}

	/** Children that are alive now, oldest first, as Python's {@code active_children()}. */
	public List<ChildProcess> activeChildren() {
		return this.runtime.children().stream().filter(ChildProcess::isAlive).map(ChildProcess.class::cast).toList();
	}

	/** Every child this template knows: the live ones and the most recent exited ones. */
	public List<ChildProcess> children() {
		return List.copyOf(this.runtime.children());
	}

	/**
	 * The child with this pid, if this template started it and still remembers it: the live one, else the one that
	 * exited last (a pid is reused, so an exited child may share it with a live one).
	 */
	public Optional<ChildProcess> child(long pid) {
		return this.runtime.child(pid).map(ChildProcess.class::cast);
	}

	/**
	 * Whether values of this class may cross to a child and back: it is on the serialization allow-list (the defaults,
	 * what was added, and the packages of targets started so far).
	 */
	public boolean allowsClass(Class<?> type) {
		return this.encoder.allowList().allows(type);
	}

	/** The name of the codec values cross with: {@code fory}, {@code java}, ... (see {@link Builder#codec}). */
	public String codecName() {
		return this.encoder.choice().name();
	}

	/** How often workers tell their JVM's facts (see {@link Builder#jvmFactsInterval}); zero for never. */
	public Duration jvmFactsInterval() {
		return this.runtime.jvmFactsInterval();
	}

	/** The options a child gets unless told otherwise. */
	public ProcessOptions defaults() {
		return this.defaults;
	}

	public boolean isClosed() {
		return this.runtime.isClosed();
	}

	/**
	 * Stops taking work; terminates daemon children; joins the others for the grace period, then terminates them,
	 * then kills what is left. Returns when no child is alive.
	 */
	@Override
	public void close() {
		this.runtime.close();
	}

	/** How often workers tell their JVM's facts unless the builder says otherwise. */
	public static final Duration DEFAULT_JVM_FACTS_INTERVAL = Duration.ofSeconds(10);

	/** Builds a {@link ProcessTemplate}. */
	public static final class Builder {

		private ProcessOptions defaults = ProcessOptions.defaults();

		private Duration shutdownGracePeriod = Duration.ofSeconds(30);

		private int maxFrameBytes = 64 * 1024 * 1024;

		private int retainExited = 100;

		private final List<String> allowedClasses = new ArrayList<>();

		private String howToAllow = "add a pattern for it with ProcessTemplate.builder().allowClasses(...)";

		private @Nullable String codec;

		private boolean mdc = true;

		private final List<String> mdcKeys = new ArrayList<>();

		private boolean logEvents = true;

		private @Nullable CallObserver callObserver;

		private Path runDirectoryBase = Path.of(System.getProperty("java.io.tmpdir"));

		private Path sharedMemoryBase;

		private ClassLoader classLoader = defaultClassLoader();

		private final Map<String, PoolOptions> pools = new java.util.LinkedHashMap<>();

		private PoolOptions defaultPoolOptions;

		private final List<PoolListener> listeners = new ArrayList<>();

		private final List<LaunchAttributes> launchAttributes = new ArrayList<>();

		private Duration jvmFactsInterval = DEFAULT_JVM_FACTS_INTERVAL;

		private final Map<String, WorkerLauncher> launchers = new java.util.LinkedHashMap<>(
				Map.of(LocalWorkerLauncher.NAME, new LocalWorkerLauncher()));

		private Builder() {
		}

		/** How children start unless a process or call says otherwise. */
		public Builder defaults(ProcessOptions defaults) {
			this.defaults = Objects.requireNonNull(defaults, "defaults");
			return this;
		}

		/** How long {@link ProcessTemplate#close()} waits for non-daemon children before terminating them. */
		public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
			this.shutdownGracePeriod = Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
			return this;
		}

		/** The largest frame (one argument list, one result) accepted in either direction, in bytes. */
		public Builder maxFrameBytes(int maxFrameBytes) {
			this.maxFrameBytes = maxFrameBytes;
			return this;
		}

		/** How many exited children {@link ProcessTemplate#children()} remembers. */
		public Builder retainExited(int retainExited) {
			this.retainExited = retainExited;
			return this;
		}

		/**
		 * Classes that may cross process boundaries besides the defaults ({@link ClassAllowList#DEFAULTS}) and the
		 * packages of the targets started; patterns as in {@link ClassAllowList}.
		 */
		public Builder allowClasses(Collection<String> patterns) {
			this.allowedClasses.addAll(patterns);
			return this;
		}

		/** What a refused class's error message tells the user to do, for frameworks that configure by property. */
		public Builder howToAllow(String howToAllow) {
			this.howToAllow = Objects.requireNonNull(howToAllow, "howToAllow");
			return this;
		}

		/**
		 * The codec arguments, results, exceptions and the messages of queues and pipes cross with, in both directions:
		 * {@code java} (JDK serialization) or the name of a codec module on the class path ({@code fory} for
		 * mp-codec-fory). By default {@code fory} when that module is there, else {@code java}. Workers must have the
		 * same codec, or they fail to start. A name no codec has fails {@link #build()}.
		 */
		public Builder codec(String codec) {
			this.codec = Objects.requireNonNull(codec, "codec");
			return this;
		}

		/**
		 * Whether each call carries its caller's MDC (SLF4J's), taken as the call is made, to the worker, which sets
		 * it on the call's thread for the length of the call, with its own {@code mp.worker} and {@code mp.pid} keys
		 * over it. On by default.
		 */
		public Builder mdc(boolean enabled) {
			this.mdc = enabled;
			return this;
		}

		/** The MDC keys a call carries (see {@link #mdc(boolean)}); by default all of them. */
		public Builder mdcKeys(Collection<String> keys) {
			this.mdcKeys.addAll(keys);
			return this;
		}

		/**
		 * Whether workers whose logging is Logback send their log events to this JVM as events (level, logger, message,
		 * thread, time, MDC, exception), which it emits through its own logging, instead of printing them as lines of
		 * text that it logs as output. On by default; plain {@code System.out} and {@code System.err} stay text.
		 */
		public Builder logEvents(boolean enabled) {
			this.logEvents = enabled;
			return this;
		}

		/**
		 * What observes each call: in this JVM from the moment it is made to its answer, and in the worker around its
		 * run, from entries it adds to the call (mp-spring-boot-autoconfigure sets Micrometer's, so that calls are
		 * observations and workers continue their callers' traces). None by default.
		 */
		public Builder callObserver(CallObserver observer) {
			this.callObserver = Objects.requireNonNull(observer, "observer");
			return this;
		}

		/** Where the private run directory (the worker socket) is created. */
		public Builder runDirectoryBase(Path runDirectoryBase) {
			this.runDirectoryBase = Objects.requireNonNull(runDirectoryBase, "runDirectoryBase");
			return this;
		}

		/**
		 * Where the private directory of shared objects (locks, queues, values) is created; by default
		 * {@code /dev/shm} when the system has it, else {@code java.io.tmpdir}.
		 */
		public Builder sharedMemoryBase(Path sharedMemoryBase) {
			this.sharedMemoryBase = Objects.requireNonNull(sharedMemoryBase, "sharedMemoryBase");
			return this;
		}

		/**
		 * The loader results and exceptions are read with: that of the application's classes. By default the context
		 * class loader of the thread that creates the builder.
		 */
		public Builder classLoader(ClassLoader classLoader) {
			this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
			return this;
		}

		/** Options for the pool of that name, used when {@link ProcessTemplate#pool(String)} first creates it. */
		public Builder pool(String name, PoolOptions options) {
			this.pools.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(options, "options"));
			return this;
		}

		/**
		 * Options for pools created by name without options of their own; by default as many workers as cores and
		 * the template's process options.
		 */
		public Builder defaultPoolOptions(PoolOptions options) {
			this.defaultPoolOptions = Objects.requireNonNull(options, "options");
			return this;
		}

		/**
		 * Adds a way to start workers, chosen by pools whose {@link PoolOptions#launcher()} names it; the template
		 * closes it on {@link ProcessTemplate#close()}, after its workers are gone.
		 */
		public Builder launcher(WorkerLauncher launcher) {
			this.launchers.put(Objects.requireNonNull(launcher, "launcher").name(), launcher);
			return this;
		}

		/** Adds a listener to every pool's events, for metrics. */
		public Builder listener(PoolListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Adds what every worker is told at its launch besides its options' attributes, kept off command lines (see
		 * {@link LaunchAttributes}); a later one wins over an earlier one for the same attribute.
		 */
		public Builder launchAttributes(LaunchAttributes attributes) {
			this.launchAttributes.add(Objects.requireNonNull(attributes, "attributes"));
			return this;
		}

		/**
		 * How often each worker tells its parent what its JVM knows about itself ({@link ChildProcess#jvm()}): heap,
		 * garbage collection, threads, classes, uptime. It does so from a thread of its own, so a busy call does not
		 * hold the facts up. Every 10 seconds by default (the first within a second of its start); zero for never.
		 */
		public Builder jvmFactsInterval(Duration interval) {
			Objects.requireNonNull(interval, "interval");
			if (interval.isNegative()) {
				throw new IllegalArgumentException("jvmFactsInterval must not be negative: " + interval);
			}
			this.jvmFactsInterval = interval;
			return this;
		}

		public ProcessTemplate build() {
			return new ProcessTemplate(this);
		}

		/** The launch attributes given, and the one that tells workers to keep their log events as text. */
		private List<LaunchAttributes> launchAttributes() {
			if (this.logEvents) {
				return this.launchAttributes;
			}
			List<LaunchAttributes> all = new ArrayList<>(this.launchAttributes);
			all.add((options) -> Map.of(LogEvents.ENABLED_ATTRIBUTE, "false"));
			return all;
		}

		private static ClassLoader defaultClassLoader() {
			ClassLoader context = Thread.currentThread().getContextClassLoader();
			return (context != null) ? context : ProcessTemplate.class.getClassLoader();
		}

	}

}

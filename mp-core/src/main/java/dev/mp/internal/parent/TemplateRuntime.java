package dev.mp.internal.parent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.MpException;
import dev.mp.PoolListener;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.internal.call.CallEncoder;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;
import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.launch.LocalWorkerLauncher;
import dev.mp.internal.launch.WorkerCommand;
import dev.mp.internal.server.WorkerServer;
import dev.mp.spi.Codec;
import dev.mp.spi.WorkerLauncher;
import dev.mp.sync.SharedObjects;

/**
 * The engine behind a {@code ProcessTemplate}: the children it launched (live, and the last ones that exited), its
 * pools, the worker server and the shared objects (both opened on first use), the threads that watch children, and
 * the order in which all of it stops. Children see it only as a {@link ParentRuntime}, pools only as a
 * {@link PoolRuntime}; the template is the API over it.
 */
public final class TemplateRuntime implements ParentRuntime, PoolRuntime {

	private static final Logger logger = LoggerFactory.getLogger(ProcessTemplate.class);

	/** How long a terminated child has to exit before it is killed. */
	private static final long TERMINATE_MILLIS = 5_000;

	private final TemplateSettings settings;

	private final CallEncoder encoder;

	private final Deque<ChildJvm> children = new ConcurrentLinkedDeque<>();

	/** Training children recording class-data archives (see {@code ClassDataArchives}); stopped by close(). */
	private final Set<Process> trainings = ConcurrentHashMap.newKeySet();

	private final Map<String, ProcessPool> pools = new ConcurrentHashMap<>();

	/** Numbers processes and single calls in their names: process-1, process-2, ... */
	private final AtomicInteger names = new AtomicInteger();

	/** Numbers child JVMs for their handshake ids. */
	private final AtomicInteger ids = new AtomicInteger();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "mp-scheduler");
		thread.setDaemon(true);
		return thread;
	});

	private final ExecutorService callbacks = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "mp-exit-watch");
		thread.setDaemon(true);
		return thread;
	});

	/** Guards opening and closing: nothing starts once closing has begun. */
	private final Object lifecycle = new Object();

	private @Nullable WorkerServer server;

	private @Nullable SharedObjects shared;

	private volatile boolean closed;

	public TemplateRuntime(TemplateSettings settings, CallEncoder encoder) {
		this.settings = settings;
		this.encoder = encoder;
	}

	/**
	 * Runs {@code action} unless closing has begun, holding off close until it returns.
	 * @param refusal what a closed template says it no longer does
	 * @throws IllegalStateException if the template is closed
	 */
	public <T> T whileOpen(String refusal, Supplier<T> action) {
		synchronized (this.lifecycle) {
			if (this.closed) {
				throw new IllegalStateException("This ProcessTemplate is closed: " + refusal);
			}
			return action.get();
		}
	}

	/** The pools made so far, by name; a pool leaves when it closes. */
	public Map<String, ProcessPool> pools() {
		return this.pools;
	}

	/** A name for a process or a single call: the prefix and the next number. */
	public String nextName(String prefix) {
		return prefix + "-" + this.names.incrementAndGet();
	}

	/**
	 * The launcher of that name.
	 * @throws IllegalArgumentException if there is none
	 */
	public WorkerLauncher launcher(String name) {
		WorkerLauncher launcher = this.settings.launchers().get(name);
		if (launcher == null) {
			throw new IllegalArgumentException("No worker launcher named '" + name + "'; known: "
					+ new TreeSet<>(this.settings.launchers().keySet())
					+ " (register one with ProcessTemplate.builder().launcher(...), or add mp-kubernetes)");
		}
		return launcher;
	}

	/**
	 * Runs one call in a fresh child JVM, which exits after answering. Cancelling the returned future kills the
	 * child.
	 */
	public CallbackFuture<Object> invoke(CallRequest request, String description, ProcessOptions options,
			String namePrefix) {
		String name = nextName(namePrefix);
		ChildJvm child;
		try {
			child = launch(ChildRole.call(name, description, launcher(LocalWorkerLauncher.NAME)), options);
		}
		catch (RuntimeException ex) {
			request.observeFailed(ex);
			throw ex;
		}
		CallbackFuture<Object> result = new CallbackFuture<>(this.callbacks);
		request.observeUntil(result);
		child.call(request, result)
			.result()
			.whenComplete((value, failure) -> ChildCall.settle(result, value, failure));
		result.whenDone((value, failure) -> {
			if (result.isCancelled()) {
				child.kill();
			}
		});
		return result;
	}

	/** Launches a process's child: it runs the body, then waits for the threads the body started. */
	public ChildJvm launchProcess(String name, boolean daemon, ProcessOptions options, String description) {
		return launch(ChildRole.process(name, daemon, description, launcher(LocalWorkerLauncher.NAME)), options);
	}

	@Override
	public ChildJvm launchWorker(String name, ProcessOptions options, String pool, String launcher,
			Duration spinWait) {
		return launch(ChildRole.poolWorker(name, pool, launcher(launcher), spinWait), options);
	}

	private ChildJvm launch(ChildRole role, ProcessOptions options) {
		// decided here, not while holding the lifecycle lock: a fat jar's first extraction takes about a second
		WorkerCommand command = WorkerCommand.of(options, this.encoder.choice());
		return whileOpen("it starts no new processes", () -> {
			ChildJvm child = new ChildJvm(this, "w" + this.ids.incrementAndGet(), role, options, command);
			this.children.addLast(child);
			child.onExit().thenRun(this::forgetOldExited);
			child.launch();
			return child;
		});
	}

	/** Every child remembered: the live ones and the most recent exited ones, oldest first. */
	public List<ChildJvm> children() {
		return List.copyOf(this.children);
	}

	/** The child with this pid: the live one, else the one that exited last (pids are reused). */
	public Optional<ChildJvm> child(long pid) {
		List<ChildJvm> withPid = this.children.stream().filter((c) -> c.pid() == pid).toList();
		return withPid.stream()
			.filter(ChildJvm::isAlive)
			.findFirst()
			.or(() -> withPid.isEmpty() ? Optional.empty() : Optional.of(withPid.get(withPid.size() - 1)));
	}

	/** Drops an exited child from {@link #children()}. */
	public void forget(ChildJvm child) {
		this.children.remove(child);
	}

	private void forgetOldExited() {
		List<ChildJvm> exited = this.children.stream().filter((c) -> !c.isAlive()).toList();
		for (int i = 0; i < exited.size() - this.settings.retainExited(); i++) {
			this.children.remove(exited.get(i));
		}
	}

	/** The template's shared objects, made on first use. */
	public SharedObjects sharedObjects() {
		return whileOpen("it makes no more shared objects", () -> {
			if (this.shared == null) {
				Path base = this.settings.sharedMemoryBase();
				try {
					this.shared = SharedObjects.open(base, this.encoder::codec, this.settings.classLoader());
				}
				catch (IOException ex) {
					throw new MpException("Cannot make a private directory for shared objects under "
							+ ((base != null) ? base : "/dev/shm or java.io.tmpdir")
							+ " (set ProcessTemplate.builder().sharedMemoryBase(...)): " + ex, ex);
				}
			}
			return this.shared;
		});
	}

	@Override
	public WorkerServer server() {
		synchronized (this.lifecycle) {
			if (this.server == null) {
				Path base = this.settings.runDirectoryBase();
				try {
					this.server = new WorkerServer(base, this.settings.maxFrameBytes(), this.scheduler);
				}
				catch (IOException ex) {
					throw new MpException("Cannot open mp's worker socket in a private directory under " + base
							+ " (set ProcessTemplate.builder().runDirectoryBase(...)): " + ex, ex);
				}
			}
			return this.server;
		}
	}

	@Override
	public CallEncoder encoder() {
		return this.encoder;
	}

	@Override
	public Codec codec() {
		return this.encoder.codec();
	}

	@Override
	public CallRequest forColdChild(CallRequest call) {
		return this.encoder.forColdWorker(call);
	}

	@Override
	public CodecIdentity codecIdentity() {
		return this.encoder.choice().identity();
	}

	@Override
	public int maxFrameBytes() {
		return this.settings.maxFrameBytes();
	}

	@Override
	public Duration jvmFactsInterval() {
		return this.settings.jvmFactsInterval();
	}

	@Override
	public ClassLoader classLoader() {
		return this.settings.classLoader();
	}

	@Override
	public ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	@Override
	public Executor callbacks() {
		return this.callbacks;
	}

	@Override
	public Path sharedMemoryDirectory() {
		return sharedObjects().directory();
	}

	@Override
	public Set<Process> trainings() {
		return this.trainings;
	}

	@Override
	public Map<String, String> launchAttributes(ProcessOptions options) {
		Map<String, String> attributes = new LinkedHashMap<>();
		this.settings.launchAttributes().forEach((source) -> attributes.putAll(source.forLaunch(options)));
		return attributes;
	}

	@Override
	public List<PoolListener> listeners() {
		return this.settings.listeners();
	}

	@Override
	public Duration shutdownGracePeriod() {
		return this.settings.shutdownGracePeriod();
	}

	@Override
	public void closed(ProcessPool pool) {
		this.pools.remove(pool.name(), pool);
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Stops taking work; closes the pools; terminates daemon children; joins the others for the grace period, then
	 * terminates them, then kills what is left; then closes the launchers, the server and the shared objects. Returns
	 * when no child is alive.
	 */
	public void close() {
		synchronized (this.lifecycle) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		List.copyOf(this.pools.values()).forEach(ProcessPool::close);
		for (Process training : List.copyOf(this.trainings)) {
			// removed first: its training thread then knows the kill was no failure
			this.trainings.remove(training);
			training.destroyForcibly();
		}
		List<ChildJvm> live = new ArrayList<>(this.children.stream().filter(ChildJvm::isAlive).toList());
		live.stream().filter(ChildJvm::isDaemon).forEach(ChildJvm::terminate);
		long graceEnd = System.nanoTime() + this.settings.shutdownGracePeriod().toNanos();
		for (ChildJvm child : live) {
			if (!child.isDaemon()) {
				child.awaitExit(Math.max(0, (graceEnd - System.nanoTime()) / 1_000_000));
			}
		}
		stopRemaining(live);
		for (WorkerLauncher launcher : this.settings.launchers().values()) {
			try {
				launcher.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Closing worker launcher '{}' failed: {}", launcher.name(), ex.toString());
			}
		}
		synchronized (this.lifecycle) {
			if (this.server != null) {
				this.server.close();
			}
			if (this.shared != null) {
				this.shared.close();
			}
		}
		this.scheduler.shutdownNow();
		this.callbacks.shutdown();
	}

	private static void stopRemaining(Collection<ChildJvm> children) {
		List<ChildJvm> alive = children.stream().filter(ChildJvm::isAlive).toList();
		if (!alive.isEmpty()) {
			logger.info("Terminating {} child process(es) still running at shutdown", alive.size());
			alive.forEach(ChildJvm::terminate);
			long end = System.nanoTime() + TERMINATE_MILLIS * 1_000_000;
			alive.forEach((child) -> child.awaitExit(Math.max(0, (end - System.nanoTime()) / 1_000_000)));
		}
		List<ChildJvm> stubborn = alive.stream().filter(ChildJvm::isAlive).toList();
		if (!stubborn.isEmpty()) {
			logger.warn("Killing {} child process(es) that ignored SIGTERM", stubborn.size());
			stubborn.forEach(ChildJvm::kill);
			stubborn.forEach((child) -> child.awaitExit(TERMINATE_MILLIS));
		}
	}

}

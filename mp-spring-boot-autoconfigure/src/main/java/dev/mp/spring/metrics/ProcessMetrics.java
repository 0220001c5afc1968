package dev.mp.spring.metrics;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

import dev.mp.ChildProcess;
import dev.mp.ProcessPool;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;

/**
 * Micrometer meters of a {@link ProcessTemplate}:
 * <ul>
 * <li>{@value #LIVE} (gauge, tags {@code pool}, {@code state}): live child processes by pool ({@value #NO_POOL} for
 * processes and single calls outside pools) and {@link ProcessState} ({@code NEW}, {@code STARTING}, {@code RUNNING},
 * {@code IDLE}, {@code BUSY});</li>
 * <li>{@value #QUEUED} (gauge, tag {@code pool}): tasks waiting for a worker;</li>
 * <li>{@value #SIZE} (gauge, tag {@code pool}): most workers the pool runs at once;</li>
 * <li>{@value #COMPLETED} (function counter, tag {@code pool}): calls the pool's workers answered, with a result or a
 * failure (an initializer's call counts too), including workers that have exited since; see
 * {@link TasksCompletedCounts} for the one case it misses;</li>
 * <li>{@code mp.pool.jvm.*} (gauges, tag {@code pool}): the JVM facts of the pool's live workers, summed (see
 * {@link JvmFactsMeters}), and with {@code perWorker} {@code mp.worker.jvm.*} (tags {@code pool}, {@code worker}), each
 * worker's own.</li>
 * </ul>
 * Pools are created lazily and mp tells nobody when, so the meters of a pool are registered when the binder first sees
 * it: on binding, when the application context has been refreshed (after the configured pools and those
 * {@code @WorkerProcess} beans use have been created), on {@link #refresh()}, and on every read of the meters already
 * registered (so a pool created later appears from the next scrape or publication on). A pool that is closed keeps its
 * meters, which then read 0.
 * <p>
 * The meters hold the template only weakly (it is their state object) and nothing they reference holds it, so a
 * registry that outlives the application does not keep the template alive. {@link #close()}, which the application
 * context calls, removes the meters again, so that a new context's template is measured rather than a closed one.
 */
public class ProcessMetrics implements MeterBinder, ApplicationListener<ContextRefreshedEvent>, AutoCloseable {

	/** Live child processes, by pool and state. */
	public static final String LIVE = "mp.processes.live";

	/** Tasks waiting for a worker, by pool. */
	public static final String QUEUED = "mp.pool.queued";

	/** Most workers a pool runs at once, by pool. */
	public static final String SIZE = "mp.pool.size";

	/** Calls answered by a pool's workers, by pool. */
	public static final String COMPLETED = "mp.pool.tasks.completed";

	/** The {@code pool} tag of a child that is not a pool worker. */
	public static final String NO_POOL = "none";

	private static final Set<ProcessState> LIVE_STATES = EnumSet.complementOf(EnumSet.of(ProcessState.EXITED));

	private final ProcessTemplate template;

	private final Tags tags;

	private final TasksCompletedCounts completed = new TasksCompletedCounts();

	private final List<Registrar> registrars = new CopyOnWriteArrayList<>();

	private final boolean perWorker;

	public ProcessMetrics(ProcessTemplate template) {
		this(template, Tags.empty(), false);
	}

	/** @param tags added to every meter */
	public ProcessMetrics(ProcessTemplate template, Iterable<Tag> tags) {
		this(template, tags, false);
	}

	/**
	 * @param tags added to every meter
	 * @param perWorker whether the JVM facts also have a series per worker, besides each pool's sums
	 */
	public ProcessMetrics(ProcessTemplate template, Iterable<Tag> tags, boolean perWorker) {
		this.template = Objects.requireNonNull(template, "template");
		this.tags = Tags.of(tags);
		this.perWorker = perWorker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Registrar registrar = new Registrar(registry, this.tags, this.completed, this.perWorker);
		this.registrars.add(registrar);
		registrar.bind(this.template);
	}

	/** Registers the meters of pools created since the binder last looked, in every registry it is bound to. */
	public void refresh() {
		this.registrars.forEach((registrar) -> registrar.discoverPools(this.template));
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		refresh();
	}

	/** Removes the meters this binder registered from every registry it was bound to. */
	@Override
	public void close() {
		this.registrars.forEach(Registrar::remove);
		this.registrars.clear();
	}

	/**
	 * Registers meters in one registry, lazily per pool. References the registry and the counts, never the template:
	 * the meter functions it builds receive the template from the meter's weak reference.
	 */
	private static final class Registrar {

		private final MeterRegistry registry;

		private final Tags tags;

		private final TasksCompletedCounts completed;

		private final Set<String> pools = new HashSet<>();

		private final List<Meter> meters = new ArrayList<>();

		/** The per-worker JVM meters by child id, or {@code null} when there are none. */
		private final @Nullable Map<String, List<Meter>> workers;

		private boolean removed;

		Registrar(MeterRegistry registry, Tags tags, TasksCompletedCounts completed, boolean perWorker) {
			this.registry = registry;
			this.tags = tags;
			this.completed = completed;
			this.workers = perWorker ? new HashMap<>() : null;
		}

		synchronized void bind(ProcessTemplate template) {
			registerLive(template, NO_POOL);
			discoverPools(template);
		}

		/** Registers the meters of pools created since the last look. */
		void discoverPools(ProcessTemplate template) {
			List<ProcessPool> current = template.pools();
			synchronized (this) {
				if (this.removed) {
					return;
				}
				for (ProcessPool pool : current) {
					if (this.pools.add(pool.name())) {
						registerPool(template, pool.name());
					}
				}
			}
		}

		/** Registers the JVM meters of workers that told their facts since the last look, and removes gone ones'. */
		void discoverWorkers(ProcessTemplate template) {
			if (this.workers == null) {
				return;
			}
			List<ChildProcess> children = template.children();
			synchronized (this) {
				if (this.removed) {
					return;
				}
				Set<String> live = new HashSet<>();
				for (ChildProcess child : children) {
					if (child.pool() != null && child.jvm().isPresent()) {
						live.add(child.id());
						this.workers.computeIfAbsent(child.id(), (id) -> JvmFactsMeters.registerWorker(this.registry,
								this.tags.and("pool", child.pool(), "worker", child.name()), template, id));
					}
				}
				this.workers.entrySet().removeIf((worker) -> {
					boolean gone = !live.contains(worker.getKey());
					if (gone) {
						worker.getValue().forEach(this.registry::remove);
					}
					return gone;
				});
			}
		}

		private void registerPool(ProcessTemplate template, String pool) {
			registerLive(template, pool);
			Tags poolTags = this.tags.and("pool", pool);
			this.meters.add(Gauge.builder(QUEUED, template, (t) -> queued(t, pool))
				.tags(poolTags)
				.baseUnit("tasks")
				.description("Tasks waiting for a worker of the pool")
				.register(this.registry));
			this.meters.add(Gauge.builder(SIZE, template, (t) -> size(t, pool))
				.tags(poolTags)
				.baseUnit("processes")
				.description("Most workers the pool runs at once")
				.register(this.registry));
			this.meters.add(FunctionCounter.builder(COMPLETED, template, (t) -> completed(t, pool))
				.tags(poolTags)
				.baseUnit("tasks")
				.description("Calls answered by the pool's workers, with a result or a failure")
				.register(this.registry));
			this.meters.addAll(JvmFactsMeters.registerPool(this.registry, poolTags, template, pool, (t) -> {
				discoverPools(t);
				discoverWorkers(t);
			}));
		}

		private void registerLive(ProcessTemplate template, String pool) {
			for (ProcessState state : LIVE_STATES) {
				this.meters.add(Gauge.builder(LIVE, template, (t) -> live(t, pool, state))
					.tags(this.tags.and("pool", pool, "state", state.name()))
					.baseUnit("processes")
					.description("Live child processes")
					.register(this.registry));
			}
		}

		private double live(ProcessTemplate template, String pool, ProcessState state) {
			discoverPools(template);
			return template.children()
				.stream()
				.filter(ChildProcess::isAlive)
				.filter((child) -> pool.equals(poolOf(child)) && child.state() == state)
				.count();
		}

		private double queued(ProcessTemplate template, String pool) {
			discoverPools(template);
			return find(template, pool).map(ProcessPool::queued).orElse(0);
		}

		private double size(ProcessTemplate template, String pool) {
			discoverPools(template);
			return find(template, pool).map((p) -> p.options().size()).orElse(0);
		}

		private double completed(ProcessTemplate template, String pool) {
			discoverPools(template);
			return this.completed.count(template.children(), pool);
		}

		private static Optional<ProcessPool> find(ProcessTemplate template, String pool) {
			return template.pools().stream().filter((p) -> p.name().equals(pool)).findFirst();
		}

		private static String poolOf(ChildProcess child) {
			return (child.pool() != null) ? child.pool() : NO_POOL;
		}

		synchronized void remove() {
			this.removed = true;
			this.meters.forEach(this.registry::remove);
			this.meters.clear();
			if (this.workers != null) {
				this.workers.values().forEach((meters) -> meters.forEach(this.registry::remove));
				this.workers.clear();
			}
		}

	}

}

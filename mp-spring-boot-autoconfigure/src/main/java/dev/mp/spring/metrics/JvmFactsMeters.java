package dev.mp.spring.metrics;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.mp.ChildProcess;
import dev.mp.JvmFacts;
import dev.mp.ProcessTemplate;

/**
 * The gauges of workers' JVM facts ({@link ChildProcess#jvm()}): {@code mp.pool.jvm.*} (tag {@code pool}), each the
 * sum over the pool's live workers that have told theirs, and {@code mp.worker.jvm.*} (tags {@code pool} and
 * {@code worker}), one worker's own, NaN once it has gone. Like the other meters they receive the template from the
 * gauge's weak reference.
 */
final class JvmFactsMeters {

	/** A gauge's name after its prefix, unit, description and reading. */
	private record Fact(String name, String unit, String description, ToDoubleFunction<JvmFacts> value) {
	}

	private static final List<Fact> FACTS = List.of(
			new Fact("heap.used", "bytes", "Heap in use", JvmFacts::heapUsed),
			new Fact("heap.committed", "bytes", "Heap committed", JvmFacts::heapCommitted),
			new Fact("heap.max", "bytes", "Most heap the workers may use", JvmFacts::heapMax),
			new Fact("gc.count", "collections", "Garbage collections so far", JvmFacts::gcCount),
			new Fact("gc.time", "seconds", "Time spent collecting garbage so far",
					(facts) -> facts.gcTime().toNanos() / 1e9),
			new Fact("threads", "threads", "Live threads", JvmFacts::threads),
			new Fact("classes.loaded", "classes", "Classes loaded", JvmFacts::loadedClasses));

	static final String POOL_PREFIX = "mp.pool.jvm.";

	static final String WORKER_PREFIX = "mp.worker.jvm.";

	private JvmFactsMeters() {
	}

	/**
	 * Registers a pool's sums.
	 * @param before run on each read first (the binder's discovery)
	 */
	static List<Meter> registerPool(MeterRegistry registry, Tags tags, ProcessTemplate template, String pool,
			Consumer<ProcessTemplate> before) {
		return FACTS.stream()
			.map((fact) -> register(registry, POOL_PREFIX, fact, ", summed over the pool's workers", tags, template,
					(t) -> {
						before.accept(t);
						// a worker without a heap limit tells -1, which a sum must not take
						return facts(t, pool).mapToDouble(fact.value()).filter((v) -> v >= 0).sum();
					}))
			.toList();
	}

	/** Registers one worker's own gauges, tagged with its name. */
	static List<Meter> registerWorker(MeterRegistry registry, Tags tags, ProcessTemplate template, String id) {
		return FACTS.stream()
			.map((fact) -> register(registry, WORKER_PREFIX, fact, "", tags, template,
					(t) -> workerFacts(t, id).mapToDouble(fact.value()).findFirst().orElse(Double.NaN)))
			.toList();
	}

	private static Meter register(MeterRegistry registry, String prefix, Fact fact, String of, Tags tags,
			ProcessTemplate template, ToDoubleFunction<ProcessTemplate> value) {
		return Gauge.builder(prefix + fact.name(), template, value)
			.tags(tags)
			.baseUnit(fact.unit())
			.description(fact.description() + of)
			.register(registry);
	}

	private static Stream<JvmFacts> facts(ProcessTemplate template, String pool) {
		return template.children()
			.stream()
			.filter((child) -> pool.equals(child.pool()))
			.flatMap((child) -> child.jvm().stream());
	}

	private static Stream<JvmFacts> workerFacts(ProcessTemplate template, String id) {
		return template.children()
			.stream()
			.filter((child) -> child.id().equals(id))
			.flatMap((child) -> child.jvm().stream());
	}

}

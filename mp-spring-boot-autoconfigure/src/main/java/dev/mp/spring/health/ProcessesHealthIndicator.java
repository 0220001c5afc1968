package dev.mp.spring.health;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.mp.ChildProcess;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;

/**
 * The health of a {@link ProcessTemplate}'s worker pools, registered as the {@code processes} contributor. A pool is
 * {@code DOWN} while its workers cannot start ({@link ProcessPool#startFailure()}: a bad JVM option, a broken
 * application context, a failing initializer, a restart storm), with the first line of the reason and the failed
 * worker's last output; otherwise {@code UP}. The indicator is {@code DOWN} when any pool is.
 * <p>
 * Details, per pool under {@code pools.<name>}: {@code status}, {@code size} (most workers), {@code minIdle},
 * {@code workers} (live workers), {@code states} (live workers by {@link ProcessState}), {@code queued} (tasks waiting
 * for a worker), {@code tasksCompleted} (calls answered by the pool's workers that the template still remembers,
 * live or exited; see {@link ProcessTemplate#children()}), and when down, {@code error} and {@code output}. A pool
 * appears once it has been created: configured pools and the pools {@code @WorkerProcess} beans use are created as
 * the application starts; a template without pools is {@code UP}.
 */
public class ProcessesHealthIndicator implements HealthIndicator {

	/** Most lines of a failed worker's output shown. */
	static final int OUTPUT_LINES = 10;

	private final ProcessTemplate template;

	public ProcessesHealthIndicator(ProcessTemplate template) {
		this.template = template;
	}

	@Override
	public Health health() {
		List<ChildProcess> children = this.template.children();
		Map<String, Object> pools = new LinkedHashMap<>();
		boolean down = false;
		for (ProcessPool pool : this.template.pools()) {
			Map<String, Object> details = describe(pool, children);
			down |= Status.DOWN.getCode().equals(details.get("status"));
			pools.put(pool.name(), details);
		}
		return Health.status(down ? Status.DOWN : Status.UP).withDetail("pools", pools).build();
	}

	private static Map<String, Object> describe(ProcessPool pool, List<ChildProcess> children) {
		Optional<ProcessStartException> failure = pool.startFailure();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", (failure.isPresent() ? Status.DOWN : Status.UP).getCode());
		details.put("size", pool.options().size());
		details.put("minIdle", pool.options().minIdle());
		List<ChildProcess> workers = pool.workers();
		Map<ProcessState, Integer> byState = new EnumMap<>(ProcessState.class);
		workers.stream()
			.filter(ChildProcess::isAlive)
			.forEach((worker) -> byState.merge(worker.state(), 1, Integer::sum));
		Map<String, Integer> states = new LinkedHashMap<>();
		byState.forEach((state, count) -> states.put(state.name(), count));
		details.put("workers", byState.values().stream().mapToInt(Integer::intValue).sum());
		details.put("states", states);
		details.put("queued", pool.queued());
		details.put("tasksCompleted", children.stream()
			.filter((child) -> pool.name().equals(child.pool()))
			.mapToLong(ChildProcess::tasksCompleted)
			.sum());
		failure.ifPresent((reason) -> {
			details.put("error", firstLine(reason.getMessage()));
			List<String> output = reason.outputTail();
			if (!output.isEmpty()) {
				details.put("output", output.subList(Math.max(0, output.size() - OUTPUT_LINES), output.size()));
			}
		});
		return details;
	}

	static String firstLine(@Nullable String message) {
		if (message == null) {
			return "";
		}
		int end = message.indexOf('\n');
		return (end < 0) ? message : message.substring(0, end);
	}

}

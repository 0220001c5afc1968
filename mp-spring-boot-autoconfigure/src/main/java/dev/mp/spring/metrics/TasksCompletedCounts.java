package dev.mp.spring.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mp.ChildProcess;

/**
 * Monotonic counts of calls answered, per pool, from the children a template remembers. The sum of the live workers'
 * counts drops whenever a worker exits (replaced after {@code maxTasksPerWorker}, idle timeout, crash), and a template
 * forgets exited children after a while, so each read adds what every child answered since the previous read,
 * remembering per child id what was already counted.
 * <p>
 * Limitation: calls answered by a child that starts, works and is forgotten by the template between two reads (more
 * than the template's {@code retainExited}, 100 by default, exited children in between) are not counted; the count
 * never goes down.
 * <p>
 * Holds no reference to the template: the meters that read it get the template from their weak reference.
 */
final class TasksCompletedCounts {

	/** Per child id, what it had answered at the last read. */
	private Map<String, Long> seen = new HashMap<>();

	/** Per pool, calls counted so far. */
	private final Map<String, Long> totals = new HashMap<>();

	/** Brings the counts up to date with these children, then returns the pool's count. */
	synchronized long count(List<ChildProcess> children, String pool) {
		Map<String, Long> now = new HashMap<>();
		for (ChildProcess child : children) {
			if (child.pool() == null) {
				continue;
			}
			long answered = child.tasksCompleted();
			long before = this.seen.getOrDefault(child.id(), 0L);
			if (answered > before) {
				this.totals.merge(child.pool(), answered - before, Long::sum);
			}
			now.put(child.id(), Math.max(answered, before));
		}
		// children the template no longer lists were counted up to the last read
		this.seen = now;
		return this.totals.getOrDefault(pool, 0L);
	}

}

package dev.mp;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a worker's JVM knows about itself, as it last told its parent: it sends these from a thread of its own every
 * {@link ProcessTemplate.Builder#jvmFactsInterval interval}, even while a call keeps it busy.
 *
 * @param sampledAt when the parent received them
 * @param heapUsed heap in use, in bytes
 * @param heapCommitted heap the JVM has from the operating system, in bytes
 * @param heapMax the most heap the JVM may use ({@code -Xmx}), in bytes, or -1 when it has no limit
 * @param gcCount garbage collections so far, summed over the collectors
 * @param gcTime time spent collecting so far, summed over the collectors
 * @param threads live threads
 * @param loadedClasses classes loaded now
 * @param uptime how long the JVM had run
 * @param contextUptime how long the worker's application context had run (a {@code spring} worker), or {@code null}
 */
public record JvmFacts(Instant sampledAt, long heapUsed, long heapCommitted, long heapMax, long gcCount,
		Duration gcTime, int threads, long loadedClasses, Duration uptime, @Nullable Duration contextUptime) {

}

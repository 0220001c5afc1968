package dev.mp.internal.logging;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.call.ThrowableSnapshot;

/**
 * One log event of a worker as it crosses to the parent: plain data, framework-free, so that the parent builds its own
 * logging's event from it without instantiating anything the worker names.
 *
 * @param epochSecond when it was logged: seconds since the epoch
 * @param nanos and the nanoseconds within that second
 * @param level SLF4J's level number ({@code org.slf4j.event.Level#toInt()}: 0 trace to 40 error)
 * @param loggerName the worker's logger
 * @param threadName the worker's thread that logged it
 * @param message the message, formatted
 * @param mdc the thread's MDC as it logged
 * @param keyValues SLF4J key-value pairs, values as strings, in order
 * @param markers the names of its markers
 * @param thrown the exception logged with it, or {@code null}
 */
public record LogEvent(long epochSecond, int nanos, int level, String loggerName, String threadName, String message,
		Map<String, String> mdc, List<Map.Entry<String, String>> keyValues, List<String> markers,
		@Nullable ThrowableSnapshot thrown) {

}

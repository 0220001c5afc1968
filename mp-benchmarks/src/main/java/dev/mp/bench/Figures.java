package dev.mp.bench;

import java.util.List;

/** The ids of the figures, and the targets of issue 3 that relate them. */
public final class Figures {

	// floors
	public static final String JVM_EMPTY = "floor.jvm.empty";

	public static final String JVM_HELLO_BYTE = "floor.jvm.hello.byte";

	public static final String JVM_HELLO_EXIT = "floor.jvm.hello.exit";

	public static final String SOCKET_PING_PONG = "floor.socket.pingpong64";

	public static final String EXECUTOR_SUBMIT_GET = "floor.executor.submitget";

	public static final String JVM_IDLE_RSS = "floor.jvm.idle.rss";

	// Python multiprocessing
	public static final String PY_PPE_ROUND_TRIP = "python.ppe.roundtrip";

	public static final String PY_POOL_MAP = "python.pool.map";

	public static final String PY_SPAWN_START_JOIN = "python.spawn.startjoin";

	public static final String PY_PPE_1MIB = "python.ppe.1mib";

	// mp
	public static final String MP_POOL_ROUND_TRIP = "mp.pool.roundtrip";

	public static final String MP_PROXY_ROUND_TRIP = "mp.proxy.roundtrip";

	public static final String MP_POOL_MAP = "mp.pool.map";

	public static final String MP_FRESH_START_JOIN = "mp.fresh.startjoin";

	public static final String MP_SPRING_START_READY = "mp.spring.startready";

	public static final String MP_POOL_1MIB = "mp.pool.1mib";

	public static final String MP_IDLE_RSS = "mp.pool.idle.rss";

	/**
	 * The targets of issue 3. Every one is printed: met, MISSED, or not measured yet (a figure or its floor absent).
	 * Units must match: round trips in µs, start+join in ms, map in items/s, 1 MiB in MB/s, RSS in MiB.
	 */
	public static final List<Target> TARGETS = List.of(
			Target.atMost(MP_POOL_ROUND_TRIP, 1.5, SOCKET_PING_PONG),
			Target.atMost(MP_POOL_ROUND_TRIP, 0.2, PY_PPE_ROUND_TRIP),
			Target.atLeast(MP_POOL_MAP, 2.0, PY_POOL_MAP),
			Target.atLeast(MP_POOL_1MIB, 10.0, PY_PPE_1MIB),
			Target.atMost(MP_FRESH_START_JOIN, 1.2, JVM_HELLO_EXIT),
			Target.atMost(MP_IDLE_RSS, 1.3, JVM_IDLE_RSS));

	private Figures() {
	}

}

package dev.mp.bench;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.mp.ProcessTemplate;
import dev.mp.sync.ProcessBarrier;
import dev.mp.sync.ProcessEvent;
import dev.mp.sync.ProcessLock;
import dev.mp.sync.ProcessQueue;
import dev.mp.sync.ProcessSemaphore;
import dev.mp.sync.SharedLong;

/**
 * The rows of mp's synchronization primitives and queues ({@code dev.mp.sync}), each in the same shape as its Python
 * counterpart in {@code mp_bench.py} (spawn context there; fresh child JVMs from {@code template.submit} here).
 * <p>
 * A child's start-up is never inside a timed interval: the child times itself (lock in a child), or the first,
 * unrecorded repetitions absorb the wait for it (hand-off, ping-pong: the child's first turn or wake-up is in the
 * warm-up), or the clock starts only after a handshake with the running child (queues: it got a first message and set
 * an event; counter: the 4 children released a semaphore and wait at a barrier with this process). The warm-ups are
 * longer than Python's because both JVMs must compile the loops (C2) before their steady state; Python has no JIT.
 * <p>
 * Units, as Python's rows: lock acquire+release in ns, hand-off and wake-up in µs, queues in messages/s and MB/s
 * (10^6 bytes of payload per second), the counter in increments/s.
 */
final class SyncRows {

	/** Acquire+release pairs per lock sample (as Python's LOCK_BATCH). */
	static final int LOCK_BATCH = 10_000;

	/** Unrecorded lock batches before the samples: 2,000,000 pairs, so that C2 has compiled the loop. */
	private static final int LOCK_WARMUP_BATCHES = 200;

	/** Turns of this process per hand-off sample (as Python's HANDOFF_BATCH): 2,000 hand-offs. */
	static final int HANDOFF_BATCH = 1_000;

	private static final int HANDOFF_WARMUP_BATCHES = 100;

	private static final int EVENT_WARMUP = 10_000;

	static final int QUEUE_SMALL_MESSAGES = 50_000;

	static final int QUEUE_MIB_MESSAGES = 100;

	/** Unrecorded batches of small messages: 500,000 messages, for C2 on both sides. */
	private static final int QUEUE_SMALL_WARMUP_BATCHES = 10;

	private static final int QUEUE_MIB_WARMUP_BATCHES = 5;

	static final int PAYLOAD_BYTES = 1 << 20;

	static final int COUNTER_PROCESSES = 4;

	static final int COUNTER_INCREMENTS = 10_000;

	/** How long a row waits for a child or a signal before it fails instead of hanging the run. */
	private static final long TIMEOUT_SECONDS = 120;

	private SyncRows() {
	}

	// ------------------------------------------------------------------------------------------------------------
	// Uncontended lock
	// ------------------------------------------------------------------------------------------------------------

	/**
	 * {@code lock(); unlock()} of a {@code template.lock()} in a fresh child, in batches of {@link #LOCK_BATCH} timed
	 * inside the child with {@code System.nanoTime()}; the child returns its samples as the task's result. ns per
	 * acquire+release. Target: <= 1.0x {@link Figures#PY_LOCK_CHILD}.
	 */
	static void lockInChild(Bench bench) throws Exception {
		int warmup = bench.reps(LOCK_WARMUP_BATCHES);
		int reps = bench.reps(100);
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessLock lock = template.lock();
			double[] all = template.submit(() -> lockBatches(lock, warmup + reps)).get(TIMEOUT_SECONDS,
					TimeUnit.SECONDS);
			check(!lock.isLocked(), lock + " is still locked after the child's loop");
			bench.add(Measurement.of(Figures.MP_LOCK_CHILD, "mp: lock acquire+release, uncontended, in a child", "ns",
					Arrays.copyOfRange(all, warmup, warmup + reps))
				.withNote("template.lock() (ProcessLock), lock(); unlock() in a fresh child (template.submit), batches of "
						+ "10,000 timed inside the child; after " + warmup + " warm-up batches"));
		}
	}

	/** The same loop in the harness's own JVM. Target: <= 1.0x {@link Figures#PY_LOCK_PARENT}. */
	static void lockInParent(Bench bench) throws Exception {
		int warmup = bench.reps(LOCK_WARMUP_BATCHES);
		int reps = bench.reps(100);
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessLock lock = template.lock();
			double[] all = lockBatches(lock, warmup + reps);
			bench.add(Measurement.of(Figures.MP_LOCK_PARENT, "mp: lock acquire+release, uncontended, in the parent",
					"ns", Arrays.copyOfRange(all, warmup, warmup + reps)));
		}
	}

	/** One sample per batch: ns per {@code lock(); unlock()}. Runs in the child too (a static method it can call). */
	static double[] lockBatches(ProcessLock lock, int batches) {
		double[] nanos = new double[batches];
		for (int b = 0; b < batches; b++) {
			long start = System.nanoTime();
			lockBatch(lock);
			nanos[b] = (System.nanoTime() - start) / (double) LOCK_BATCH;
		}
		return nanos;
	}

	private static void lockBatch(ProcessLock lock) {
		for (int i = 0; i < LOCK_BATCH; i++) {
			lock.lock();
			lock.unlock();
		}
	}

	// ------------------------------------------------------------------------------------------------------------
	// Lock hand-off and event ping-pong between two processes
	// ------------------------------------------------------------------------------------------------------------

	/**
	 * A lock and a turn ({@code template.sharedLong}) shared by this process and a child: each takes the lock, and if
	 * the turn is its own passes it to the other, until it had its turn N times. One sample per batch of
	 * {@link #HANDOFF_BATCH} turns of this process (2 x that many hand-offs), µs per hand-off. The child goes first, so
	 * the first (warm-up) batch waits for its JVM to start. Target: <= 2.0x {@link Figures#PY_LOCK_HANDOFF}.
	 */
	static void lockHandOff(Bench bench) throws Exception {
		int warmup = bench.reps(HANDOFF_WARMUP_BATCHES);
		int reps = bench.reps(100);
		int turns = (warmup + reps) * HANDOFF_BATCH;
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessLock lock = template.lock();
			SharedLong turn = template.sharedLong(1);
			CompletableFuture<Integer> peer = template.submit(() -> {
				takeTurns(lock, turn, 1, 0, turns, null);
				return turns;
			});
			double[] micros = Bench.sample(warmup, reps, () -> {
				long start = System.nanoTime();
				takeTurns(lock, turn, 0, 1, HANDOFF_BATCH, peer);
				return (System.nanoTime() - start) / 1e3 / (2 * HANDOFF_BATCH);
			});
			check(peer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) == turns, "the child took a wrong number of turns");
			bench.add(Measurement.of(Figures.MP_LOCK_HANDOFF, "mp: lock hand-off between 2 processes (turn variable)",
					"µs", micros)
				.withNote("template.lock() and template.sharedLong(1) as the turn, this process and a fresh child; "
						+ "batches of 1,000 turns of this process (2,000 hand-offs) after " + warmup
						+ " warm-up batches"));
		}
	}

	/**
	 * Takes the lock until this process had {@code turns} turns; fails (instead of spinning forever) when the peer's
	 * future is done before that.
	 */
	static void takeTurns(ProcessLock lock, SharedLong turn, long me, long other, int turns, Future<?> peer) {
		int done = 0;
		int misses = 0;
		while (done < turns) {
			boolean mine;
			lock.lock();
			try {
				mine = turn.get() == me;
				if (mine) {
					turn.set(other);
				}
			}
			finally {
				lock.unlock();
			}
			if (mine) {
				done++;
			}
			else if (peer != null && (++misses & 0xFFFF) == 0 && peer.isDone()) {
				throw new IllegalStateException("the peer process ended before its turns were taken: " + peer);
			}
		}
	}

	/**
	 * Two events: this process sets {@code ping}, waits for {@code pong} and clears it; a child waits for {@code ping},
	 * clears it and sets {@code pong}. One sample per round trip, µs, halved: a one-way set-to-wake-up latency. The first
	 * (warm-up) round trip waits for the child's JVM. Target: <= 2.0x {@link Figures#PY_EVENT_PING_PONG}.
	 */
	static void eventPingPong(Bench bench) throws Exception {
		int warmup = bench.reps(EVENT_WARMUP);
		int reps = bench.reps(5_000);
		int rounds = warmup + reps;
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessEvent ping = template.event();
			ProcessEvent pong = template.event();
			CompletableFuture<Integer> peer = template.submit(() -> {
				for (int i = 0; i < rounds; i++) {
					check(ping.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "no ping within " + TIMEOUT_SECONDS + " s");
					ping.clear();
					pong.set();
				}
				return rounds;
			});
			double[] micros = Bench.sample(warmup, reps, () -> {
				long start = System.nanoTime();
				ping.set();
				boolean answered = pong.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				long end = System.nanoTime();
				check(answered, "no pong within " + TIMEOUT_SECONDS + " s (child: " + peer + ")");
				pong.clear();
				return (end - start) / 1e3 / 2;
			});
			check(peer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) == rounds, "the child answered a wrong number of pings");
			bench.add(Measurement.of(Figures.MP_EVENT_PING_PONG, "mp: event set to wake-up, ping-pong / 2", "µs", micros)
				.withNote("two template.event()s between this process and a fresh child; round trip / 2; after "
						+ warmup + " warm-up round trips. mp's waiters spin first (2,000 spins, 200 yields, then parks of "
						+ "2 µs doubling to 1 ms): with a free core each, this is the spinning path; on a machine with "
						+ "more runnable processes than cores a waiter parks and the figure rises to tens of µs"));
		}
	}

	// ------------------------------------------------------------------------------------------------------------
	// Queues
	// ------------------------------------------------------------------------------------------------------------

	/**
	 * Small messages: this process puts the {@code Integer}s 0..{@link #QUEUE_SMALL_MESSAGES}-1 into a
	 * {@code template.queue()}, a fresh child takes them. One sample per batch, messages/s, timed from the child's
	 * handshake (it took a first {@link QueueStart} message and set {@code ready}) until it took the last and set
	 * {@code done}. Target: >= 2.0x {@link Figures#PY_QUEUE_SMALL}.
	 */
	static void queueSmallMessages(Bench bench) throws Exception {
		int warmup = bench.reps(QUEUE_SMALL_WARMUP_BATCHES);
		int reps = bench.reps(10);
		double[] rates = queueThroughput(warmup, reps, QUEUE_SMALL_MESSAGES, null);
		bench.add(Measurement.of(Figures.MP_QUEUE_SMALL, "mp: queue of small messages (Integers), parent to child",
				"messages/s", rates)
			.withNote("template.queue(), put(Integer) here, take() in a fresh child; 50,000 per sample, timed from the "
					+ "child's handshake (it took a first message and set an event) to its event after the last; after "
					+ warmup + " warm-up batches"));
	}

	/**
	 * 1 MiB messages: as {@link #queueSmallMessages} with {@link #QUEUE_MIB_MESSAGES} random {@code byte[1 << 20]}
	 * (the same array each time) per sample; MB/s. Target: >= 5.0x {@link Figures#PY_QUEUE_1MIB}.
	 */
	static void queueMegabyteMessages(Bench bench) throws Exception {
		int warmup = bench.reps(QUEUE_MIB_WARMUP_BATCHES);
		int reps = bench.reps(10);
		byte[] payload = new byte[PAYLOAD_BYTES];
		new Random(42).nextBytes(payload);
		double[] rates = queueThroughput(warmup, reps, QUEUE_MIB_MESSAGES, payload);
		bench.add(Measurement.of(Figures.MP_QUEUE_1MIB, "mp: queue of 1 MiB byte[] messages, parent to child", "MB/s",
				rates)
			.withNote("template.queue(), put(byte[1 << 20]) here, take() in a fresh child; 100 per sample, timed as "
					+ "the small messages; after " + warmup + " warm-up batches"));
	}

	/** One sample per batch: messages/s ({@code payload == null}: Integers) or MB/s of payload. */
	private static double[] queueThroughput(int warmup, int reps, int count, byte[] payload) throws Exception {
		int size = (payload != null) ? payload.length : 0;
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessQueue<Object> queue = template.queue();
			ProcessEvent ready = template.event();
			ProcessEvent done = template.event();
			CompletableFuture<Long> consumer = template.submit(() -> consume(queue, ready, done));
			double[] samples = Bench.sample(warmup, reps, () -> {
				ready.clear();
				done.clear();
				queue.put(new QueueStart(count, size));
				check(ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
						"the consumer did not start within " + TIMEOUT_SECONDS + " s: " + consumer);
				long start = System.nanoTime();
				if (payload == null) {
					for (int n = 0; n < count; n++) {
						queue.put(n);
					}
				}
				else {
					for (int n = 0; n < count; n++) {
						queue.put(payload);
					}
				}
				check(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
						"the consumer did not take the batch within " + TIMEOUT_SECONDS + " s: " + consumer);
				double seconds = (System.nanoTime() - start) / 1e9;
				return (payload == null) ? count / seconds : (double) count * size / 1e6 / seconds;
			});
			queue.put(new QueueStart(-1, 0));
			long batches = consumer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			check(batches == warmup + reps, "the consumer took " + batches + " batches, not " + (warmup + reps));
			return samples;
		}
	}

	/** The consumer child: per batch, a {@link QueueStart}, then its messages, checked; returns the batches taken. */
	static long consume(ProcessQueue<Object> queue, ProcessEvent ready, ProcessEvent done) throws Exception {
		long batches = 0;
		while (true) {
			QueueStart start = (QueueStart) queue.take();
			if (start.count() < 0) {
				return batches;
			}
			ready.set();
			long received = 0;
			for (int n = 0; n < start.count(); n++) {
				Object item = queue.take();
				if (start.size() > 0) {
					received += ((byte[]) item).length;
				}
				else {
					check((Integer) item == n, "message " + n + " arrived as " + item);
					received++;
				}
			}
			long expected = (long) start.count() * Math.max(1, start.size());
			check(received == expected, "took " + received + ", not " + expected);
			done.set();
			batches++;
		}
	}

	/** What the queue consumer gets first in each batch; a negative count ends it. */
	record QueueStart(int count, int size) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	// ------------------------------------------------------------------------------------------------------------
	// Shared counter under a lock, 4 processes
	// ------------------------------------------------------------------------------------------------------------

	/**
	 * 4 fresh children, each {@code lock(); counter.set(counter.get() + 1); unlock()} {@link #COUNTER_INCREMENTS}
	 * times per round (the same read-then-write under the lock as Python's {@code counter.value += 1}). Per round: this
	 * process resets the counter, waits until the 4 released {@code ready} (they are at the start barrier), starts the
	 * clock, joins the barrier (5 parties), and stops the clock when the 4 released {@code done}; the total is checked.
	 * increments/s. Target: >= 1.0x {@link Figures#PY_COUNTER}.
	 */
	static void counterUnderLock(Bench bench) throws Exception {
		int warmup = bench.reps(5);
		int reps = bench.reps(10);
		int rounds = warmup + reps;
		long total = (long) COUNTER_PROCESSES * COUNTER_INCREMENTS;
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessLock lock = template.lock();
			SharedLong counter = template.sharedLong(0);
			ProcessSemaphore ready = template.semaphore(0);
			ProcessSemaphore done = template.semaphore(0);
			ProcessBarrier start = template.barrier(COUNTER_PROCESSES + 1);
			List<CompletableFuture<Integer>> peers = new ArrayList<>();
			for (int p = 0; p < COUNTER_PROCESSES; p++) {
				peers.add(template.submit(() -> {
					for (int r = 0; r < rounds; r++) {
						ready.release();
						start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
						increment(lock, counter);
						done.release();
					}
					return rounds;
				}));
			}
			double[] rates = Bench.sample(warmup, reps, () -> {
				counter.set(0);
				check(ready.tryAcquire(COUNTER_PROCESSES, TIMEOUT_SECONDS, TimeUnit.SECONDS),
						"the counting children were not ready within " + TIMEOUT_SECONDS + " s: " + peers);
				long begin = System.nanoTime();
				start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				check(done.tryAcquire(COUNTER_PROCESSES, TIMEOUT_SECONDS, TimeUnit.SECONDS),
						"the counting children did not finish within " + TIMEOUT_SECONDS + " s: " + peers);
				long end = System.nanoTime();
				check(counter.get() == total, "the counter is " + counter.get() + ", not " + total);
				return total / ((end - begin) / 1e9);
			});
			for (CompletableFuture<Integer> peer : peers) {
				check(peer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) == rounds, "a counting child ran a wrong number of rounds");
			}
			bench.add(Measurement.of(Figures.MP_COUNTER, "mp: counter under a lock, 4 processes x 10,000",
					"increments/s", rates)
				.withNote("template.lock(), template.sharedLong(0), 4 fresh children; from the start barrier (all 4 "
						+ "ready) to 4 releases of a done semaphore; total asserted every round; after " + warmup
						+ " warm-up rounds"));
		}
	}

	private static void increment(ProcessLock lock, SharedLong counter) {
		for (int i = 0; i < COUNTER_INCREMENTS; i++) {
			lock.lock();
			try {
				counter.set(counter.get() + 1);
			}
			finally {
				lock.unlock();
			}
		}
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

}

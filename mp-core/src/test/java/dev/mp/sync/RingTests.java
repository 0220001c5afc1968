package dev.mp.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The ring under queues and pipes, in one JVM: record framing, wrap-around at every offset, and streaming of
 * messages larger than the ring between threads.
 */
class RingTests {

	private SharedObjects shared;

	private ExecutorService threads;

	@BeforeEach
	void open() {
		this.shared = TestSharedObjects.open();
		this.threads = Executors.newCachedThreadPool();
	}

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.shared.close();
	}

	@Test
	void capacityIsRoundedUpToAPowerOfTwo() {
		assertThat(RingLayout.capacityFor(1)).isEqualTo(RingLayout.MIN_CAPACITY);
		assertThat(RingLayout.capacityFor(1000)).isEqualTo(1024);
		assertThat(RingLayout.capacityFor(1024)).isEqualTo(1024);
		assertThat(RingLayout.capacityFor(1025)).isEqualTo(2048);
		assertThat(queue(0, 100).capacityBytes()).isEqualTo(128);
	}

	@Test
	void everyKindOfMessageRoundTripsAtEveryOffsetOfASmallRing() throws Exception {
		ProcessQueue<Object> queue = queue(0, 64);
		List<Object> messages = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			messages.add(sample(i));
		}
		// one at a time, so that records start at every 8-byte offset and payloads wrap at every byte
		for (Object message : messages) {
			if (message instanceof byte[] || message instanceof String || fits(message)) {
				queue.put(message);
				assertThat(queue.size()).isEqualTo(1);
				assertThat(queue.poll()).isEqualTo(message);
				assertThat(queue.isEmpty()).isTrue();
			}
		}
		assertThat(queue.poll()).isNull();
	}

	@Test
	void messagesLargerThanTheRingStreamThroughWhileConsumersTakeThem() throws Exception {
		ProcessQueue<byte[]> queue = queue(0, 4096);
		int producers = 2;
		int perProducer = 200;
		Random random = new Random(42);
		List<Future<?>> putting = new ArrayList<>();
		for (int p = 0; p < producers; p++) {
			int producer = p;
			long seed = random.nextLong();
			putting.add(this.threads.submit(() -> {
				Random sizes = new Random(seed);
				for (int i = 0; i < perProducer; i++) {
					queue.put(payload(producer, i, sizes.nextInt(3) == 0 ? sizes.nextInt(40_000) : sizes.nextInt(600)));
				}
				return null;
			}));
		}
		Map<Integer, List<Integer>> received = new ConcurrentHashMap<>();
		AtomicInteger taken = new AtomicInteger();
		List<Future<?>> taking = new ArrayList<>();
		for (int c = 0; c < 2; c++) {
			taking.add(this.threads.submit(() -> {
				while (taken.get() < producers * perProducer) {
					byte[] message = queue.poll(10, TimeUnit.MILLISECONDS);
					if (message == null) {
						continue;
					}
					taken.incrementAndGet();
					int producer = message[0];
					int sequence = ((message[1] & 0xFF) << 8) | (message[2] & 0xFF);
					assertThat(message).isEqualTo(payload(producer, sequence, message.length));
					received.computeIfAbsent(producer, (k) -> new CopyOnWriteArrayList<>()).add(sequence);
				}
				return null;
			}));
		}
		for (Future<?> future : putting) {
			future.get(30, TimeUnit.SECONDS);
		}
		for (Future<?> future : taking) {
			future.get(30, TimeUnit.SECONDS);
		}
		for (int p = 0; p < producers; p++) {
			assertThat(received.get(p)).containsExactlyInAnyOrderElementsOf(range(perProducer));
		}
		assertThat(queue.size()).isZero();
	}

	@Test
	void aStreamedMessageIsReceivedWholeByOneConsumerAmongSeveral() throws Exception {
		ProcessQueue<Object> queue = queue(0, 64);
		String big = "ü".repeat(10_000);
		List<Object> sent = List.of(big, List.of(1, 2, 3), new byte[1000], 7L, "x");
		CompletableFuture<List<Object>> taken = CompletableFuture.supplyAsync(() -> {
			List<Object> all = new ArrayList<>();
			try {
				for (int i = 0; i < sent.size(); i++) {
					all.add(queue.take());
				}
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			return all;
		}, this.threads);
		for (Object message : sent) {
			queue.put(message);
		}
		List<Object> all = taken.get(30, TimeUnit.SECONDS);
		assertThat(all.get(0)).isEqualTo(big);
		assertThat(all.get(1)).isEqualTo(List.of(1, 2, 3));
		assertThat((byte[]) all.get(2)).hasSize(1000);
		assertThat(all.subList(3, 5)).containsExactly(7L, "x");
	}

	@Test
	void aTimedOfferOfAMessageThatFitsTheRingIsWholeOrNothing() throws Exception {
		ProcessQueue<byte[]> queue = queue(0, 64);
		queue.put(new byte[40]); // 48 bytes with its header: 16 left
		assertThat(queue.offer(new byte[9])).isFalse(); // needs 24
		assertThat(queue.offer(new byte[9], 20, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(queue.offer(new byte[8])).isTrue(); // exactly 16
		assertThat(queue.size()).isEqualTo(2);
		assertThat(queue.take()).hasSize(40);
		assertThat(queue.take()).hasSize(8);
		assertThat(queue.poll()).isNull();
	}

	@Test
	void maxSizeBoundsMessagesAsPythonsMaxsize() throws Exception {
		ProcessQueue<Integer> queue = queue(2, 1024);
		assertThat(queue.maxSize()).isEqualTo(2);
		assertThat(queue.remainingCapacity()).isEqualTo(2);
		assertThat(queue.offer(1)).isTrue();
		queue.put(2);
		assertThat(queue.remainingCapacity()).isZero();
		assertThat(queue.offer(3)).isFalse();
		assertThat(queue.take()).isEqualTo(1);
		assertThat(queue.offer(3)).isTrue();
		assertThat(List.of(queue.take(), queue.take())).containsExactly(2, 3);
		assertThat(queue(0, 1024).remainingCapacity()).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void manyThreadsPuttingAndTakingSmallMessagesLoseNothing() throws Exception {
		ProcessQueue<Long> queue = queue(16, 256);
		int threads = 4;
		int each = 20_000;
		List<Future<Long>> sums = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			this.threads.submit(() -> {
				for (int i = 0; i < each; i++) {
					queue.put((long) thread * each + i);
				}
				return null;
			});
			sums.add(this.threads.submit(() -> {
				long sum = 0;
				for (int i = 0; i < each; i++) {
					sum += queue.take();
				}
				return sum;
			}));
		}
		long total = 0;
		for (Future<Long> sum : sums) {
			total += sum.get(60, TimeUnit.SECONDS);
		}
		long n = (long) threads * each;
		assertThat(total).isEqualTo(n * (n - 1) / 2);
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void anEmptyRingWaitsForItsDeadline() throws Exception {
		ProcessQueue<String> queue = queue(0, 1024);
		long start = System.nanoTime();
		assertThat(queue.poll(50, TimeUnit.MILLISECONDS)).isNull();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(50), Duration.ofSeconds(2));
	}

	private boolean fits(Object message) {
		return !(message instanceof List);
	}

	@Test
	void aGarbledHeaderBreaksTheRingForEveryoneInsteadOfFailingEachTakeAnew() throws Exception {
		ProcessQueue<String> queue = queue(0, 1024);
		queue.put("first");
		// what a process with the ring's memory could write over the record's header: a negative length
		queue.memory().setLong(RingLayout.DATA, ((long) MessageCodec.STRING << 32) | 0xFFFF_FFF0L);
		assertThatIllegalStateException().isThrownBy(queue::take).withMessageContaining("is broken");
		assertThatIllegalStateException().isThrownBy(() -> queue.put("next")).withMessageContaining("is broken");
		assertThatIllegalStateException().isThrownBy(queue::poll).withMessageContaining("no put writes");
	}

	private <E> ProcessQueue<E> queue(int maxSize, int capacity) {
		return this.shared.register(new ProcessQueue<>(this.shared, maxSize, capacity));
	}

	private static Object sample(int i) {
		return switch (i % 7) {
			case 0 -> bytes(i % 57);
			case 1 -> "é€".repeat(i % 8) + "abc".substring(0, i % 4);
			case 2 -> i;
			case 3 -> (long) i << 40;
			case 4 -> i / 3.0;
			case 5 -> (i % 2) == 0;
			default -> List.of(i);
		};
	}

	private static byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (i * 31 + length);
		}
		return bytes;
	}

	/** A message that says who put it and carries a checkable pattern. */
	static byte[] payload(int producer, int sequence, int length) {
		byte[] bytes = new byte[Math.max(3, length)];
		bytes[0] = (byte) producer;
		bytes[1] = (byte) (sequence >>> 8);
		bytes[2] = (byte) sequence;
		for (int i = 3; i < bytes.length; i++) {
			bytes[i] = (byte) (i ^ sequence ^ (producer << 4));
		}
		return bytes;
	}

	private static List<Integer> range(int n) {
		Integer[] all = new Integer[n];
		Arrays.setAll(all, (i) -> i);
		return List.of(all);
	}

}

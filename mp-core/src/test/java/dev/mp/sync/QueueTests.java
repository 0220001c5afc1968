package dev.mp.sync;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mp.ClassRefusedException;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a {@link ProcessQueue} promises within one process: the {@code BlockingQueue} contract for nulls, timeouts
 * and interrupts, refused classes, and the task counting of {@link JoinableProcessQueue}.
 */
class QueueTests {

	private SharedObjects shared;

	private ExecutorService threads;

	@BeforeEach
	void open() {
		// a narrow allow-list, so that a class of this package is refused
		this.shared = TestSharedObjects.open(ClassAllowList.of(List.of("java.lang.*", "java.util.*")), 1 << 20);
		this.threads = Executors.newCachedThreadPool();
	}

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.shared.close();
	}

	@Test
	void nullIsRefusedAsByABlockingQueue() {
		ProcessQueue<String> queue = queue(0);
		assertThatNullPointerException().isThrownBy(() -> queue.put(null));
		assertThatNullPointerException().isThrownBy(() -> queue.offer(null));
		assertThatNullPointerException().isThrownBy(() -> queue.offer(null, 1, TimeUnit.SECONDS));
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void pollAndOfferWithATimeoutGiveUpAfterAboutThatTime() throws Exception {
		ProcessQueue<String> queue = queue(1);
		long start = System.nanoTime();
		assertThat(queue.poll(100, TimeUnit.MILLISECONDS)).isNull();
		assertThat(elapsedSince(start)).isBetween(Duration.ofMillis(100), Duration.ofSeconds(2));
		queue.put("only");
		start = System.nanoTime();
		assertThat(queue.offer("second", 100, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(elapsedSince(start)).isBetween(Duration.ofMillis(100), Duration.ofSeconds(2));
		assertThat(queue.size()).isEqualTo(1);
		assertThat(queue.poll()).isEqualTo("only");
	}

	@Test
	void takeAndPutAreInterruptible() throws Exception {
		ProcessQueue<String> queue = queue(1);
		assertInterruptible(queue::take);
		queue.put("full");
		assertInterruptible(() -> {
			queue.put("waits");
			return null;
		});
		assertThat(queue.size()).isEqualTo(1);
		assertThat(queue.take()).isEqualTo("full");
		assertThat(queue.poll()).isNull();
	}

	@Test
	void aRefusedClassFailsInTheSenderAndLeavesNothingInTheQueue() throws Exception {
		ProcessQueue<Object> queue = queue(0);
		assertThatThrownBy(() -> queue.put(new NotAllowed("secret"))).isInstanceOf(ClassRefusedException.class)
			.hasMessageContaining(NotAllowed.class.getName())
			.hasMessageContaining("add it to the test's allow-list");
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.ring().readable()).isFalse();
		queue.put(List.of("allowed", 1));
		assertThat(queue.take()).isEqualTo(List.of("allowed", 1));
		assertThat(queue.poll()).isNull();
	}

	@Test
	void joinWaitsForEveryTaskDoneAndTooManyTaskDonesAreRefused() throws Exception {
		JoinableProcessQueue<Integer> queue = this.shared
			.register(new JoinableProcessQueue<>(this.shared, 0, 4096));
		assertThat(queue.join(0, TimeUnit.SECONDS)).isTrue();
		assertThatIllegalStateException().isThrownBy(queue::taskDone).withMessageContaining("more times");
		queue.put(1);
		queue.put(2);
		assertThat(queue.unfinishedTasks()).isEqualTo(2);
		assertThat(queue.join(20, TimeUnit.MILLISECONDS)).isFalse();
		CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> {
			try {
				queue.join();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}, this.threads);
		queue.take();
		queue.taskDone();
		assertThat(joined).isNotDone();
		queue.take();
		queue.taskDone();
		joined.get(10, TimeUnit.SECONDS);
		assertThatIllegalStateException().isThrownBy(queue::taskDone);
		assertThat(queue.unfinishedTasks()).isZero();
	}

	@Test
	void aQueueIsItsOwnRingAfterASerializationRoundTrip() throws Exception {
		ProcessQueue<String> queue = queue(0);
		JavaSerializationCodec codec = new JavaSerializationCodec(ClassAllowList.withDefaults(List.of()), "", 1 << 20);
		Object copy = codec.decode(codec.encode(queue), getClass().getClassLoader());
		assertThat(copy).isSameAs(queue);
	}

	private void assertInterruptible(java.util.concurrent.Callable<?> blocking) throws Exception {
		AtomicReference<Thread> runner = new AtomicReference<>();
		Future<?> future = this.threads.submit(() -> {
			runner.set(Thread.currentThread());
			return blocking.call();
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> runner.get() != null && runner.get().getState() == Thread.State.TIMED_WAITING);
		runner.get().interrupt();
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(InterruptedException.class);
	}

	private <E> ProcessQueue<E> queue(int maxSize) {
		return this.shared.register(new ProcessQueue<>(this.shared, maxSize, 4096));
	}

	private static Duration elapsedSince(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	record NotAllowed(String secret) implements Serializable {
	}

}

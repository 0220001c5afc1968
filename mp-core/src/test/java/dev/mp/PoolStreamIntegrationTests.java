package dev.mp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.sync.ProcessEvent;
import dev.mp.sync.SharedLong;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool task's stream as a {@link Flow.Publisher}, with real workers: lazy, elements as the worker makes them, a
 * window of elements in flight, cancel, and what the stream throws.
 */
@ExtendWith(NoChildProcessesLeft.class)
class PoolStreamIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final ProcessTemplate template = ProcessTemplate.builder().build();

	private final ProcessPool pool = this.template.pool("streams", PoolOptions.builder().size(1).build());

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void elementsArriveAsTheWorkerMakesThemAndNothingRunsBeforeTheSubscription() throws Exception {
		SharedLong started = this.template.sharedLong(0);
		ProcessEvent sawThird = this.template.event();
		Flow.Publisher<Integer> numbers = this.pool.stream(() -> {
			started.incrementAndGet();
			return Stream.iterate(1, (i) -> i <= 4, (i) -> i + 1).map((i) -> {
				if (i == 4) {
					awaitQuietly(sawThird);
				}
				return i;
			});
		});
		assertThat(this.pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(started.get()).isZero();
		Recorder<Integer> recorder = new Recorder<>();
		numbers.subscribe(recorder);
		recorder.request(Long.MAX_VALUE);
		await().atMost(WAIT).until(() -> recorder.elements.size() == 3);
		assertThat(recorder.end).isNotDone();
		sawThird.set();
		recorder.end.get(60, TimeUnit.SECONDS);
		assertThat(recorder.elements).containsExactly(1, 2, 3, 4);
		assertThat(started.get()).isOne();
	}

	@Test
	void theWorkerPullsOnlyWhileTheWindowHasRoomAndACancelFreesItForTheNextTask() throws Exception {
		SharedLong produced = this.template.sharedLong(0);
		Flow.Publisher<Long> numbers = this.pool.stream(() -> Stream.iterate(1L, (i) -> i + 1)
			.peek((i) -> produced.incrementAndGet()), 4);
		Recorder<Long> recorder = new Recorder<>();
		numbers.subscribe(recorder);
		recorder.request(1);
		await().atMost(WAIT).until(() -> produced.get() == 5);
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> produced.get() == 5);
		assertThat(recorder.elements).containsExactly(1L);
		recorder.request(3);
		await().atMost(WAIT).until(() -> produced.get() == 8);
		assertThat(recorder.elements).containsExactly(1L, 2L, 3L, 4L);
		long worker = this.pool.workers().get(0).pid();
		recorder.subscription.cancel();
		// the worker's call was interrupted as it waited for room, and it takes the next task
		assertThat(this.pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS)).isEqualTo(worker);
		assertThat(this.pool.workersReplaced()).isZero();
		assertThat(recorder.end).isNotDone();
	}

	@Test
	void aCancelWhileTheWorkerMakesAnElementEndsTheStreamAndKeepsTheWorker() throws Exception {
		SharedLong produced = this.template.sharedLong(0);
		// each element takes a while and ignores interrupts: the cancel comes while one is being made
		Flow.Publisher<Long> slow = this.pool.stream(() -> Stream.generate(() -> {
			long until = System.nanoTime() + 50_000_000L;
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
			return produced.incrementAndGet();
		}));
		Recorder<Long> recorder = new Recorder<>();
		slow.subscribe(recorder);
		recorder.request(Long.MAX_VALUE);
		await().atMost(WAIT).until(() -> recorder.elements.size() >= 2);
		long worker = this.pool.workers().get(0).pid();
		long atCancel = produced.get();
		recorder.subscription.cancel();
		assertThat(this.pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS)).isEqualTo(worker);
		assertThat(this.pool.workersReplaced()).isZero();
		// it ended as it went to send the element it was making, not when the window ran out
		assertThat(produced.get()).isLessThanOrEqualTo(atCancel + 2);
	}

	@Test
	void whatTheStreamThrowsEndsItWithTheRemoteException() throws Exception {
		Flow.Publisher<Integer> numbers = this.pool.stream(() -> Stream.iterate(1, (i) -> i + 1).map((i) -> {
			if (i == 3) {
				throw new IllegalStateException("no 3");
			}
			return i;
		}));
		Recorder<Integer> recorder = new Recorder<>();
		numbers.subscribe(recorder);
		recorder.request(Long.MAX_VALUE);
		Throwable failure = recorder.end.handle((done, thrown) -> thrown).get(60, TimeUnit.SECONDS);
		assertThat(recorder.elements).containsExactly(1, 2);
		assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("no 3");
		assertThat(failure.getStackTrace())
			.anySatisfy((frame) -> assertThat(frame.getClassName()).startsWith(getClass().getName()));
	}

	private static void awaitQuietly(ProcessEvent event) {
		try {
			event.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Records what a publisher signals; requests only what the test asks for. */
	static final class Recorder<T> implements Flow.Subscriber<T> {

		final List<T> elements = new CopyOnWriteArrayList<>();

		final CompletableFuture<Void> end = new CompletableFuture<>();

		volatile Flow.Subscription subscription;

		void request(long n) {
			this.subscription.request(n);
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
		}

		@Override
		public void onNext(T item) {
			this.elements.add(item);
		}

		@Override
		public void onError(Throwable failure) {
			this.end.completeExceptionally(failure);
		}

		@Override
		public void onComplete() {
			this.end.complete(null);
		}

	}

}

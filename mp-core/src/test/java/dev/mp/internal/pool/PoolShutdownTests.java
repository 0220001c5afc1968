package dev.mp.internal.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.mp.PoolOptions;
import dev.mp.ProcessDiedException;
import dev.mp.QueueFullPolicy;
import dev.mp.internal.pool.PoolSchedulerTests.FakeWorker;
import dev.mp.internal.pool.PoolSchedulerTests.ManualClock;
import dev.mp.internal.pool.PoolSchedulerTests.Waiter;

import static dev.mp.internal.pool.PoolSchedulerTests.failure;
import static dev.mp.internal.pool.PoolSchedulerTests.request;
import static dev.mp.internal.pool.PoolSchedulerTests.submitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A pool's shutdown, shutdown now and termination, as an {@code ExecutorService}'s, without a process: the fake
 * workers and hand-turned clock of {@link PoolSchedulerTests}.
 */
class PoolShutdownTests {

	private final ManualClock clock = new ManualClock();

	private final List<FakeWorker> launched = new ArrayList<>();

	private PoolScheduler<FakeWorker> scheduler(PoolOptions.Builder options) {
		return new PoolScheduler<>("p", options.build(), null, this::launch, this.clock, Runnable::run, List.of());
	}

	private FakeWorker launch(String name) {
		FakeWorker worker = new FakeWorker(name);
		this.launched.add(worker);
		return worker;
	}

	private static PoolOptions.Builder options(int size) {
		return PoolOptions.builder().size(size).minIdle(0);
	}

	@Test
	void shutdownLetsTheQueuedAndRunningTasksFinishThenTheWorkersExit() throws InterruptedException {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> running = pool.submit(request());
		CompletableFuture<Object> queued = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		pool.shutdown();
		assertThat(pool.isShutdown()).isTrue();
		assertThat(pool.isClosed()).isFalse();
		assertThat(pool.isTerminated()).isFalse();
		assertThat(pool.awaitTermination(0, TimeUnit.SECONDS)).isFalse();
		worker.answer(0, "first");
		assertThat(running).isCompletedWithValue("first");
		assertThat(worker.shutdownAsked).as("the queued task still needs it").isFalse();
		worker.answer(1, "second");
		assertThat(queued).isCompletedWithValue("second");
		assertThat(worker.shutdownAsked).isTrue();
		assertThat(worker.killed).isFalse();
		assertThat(pool.isTerminated()).isTrue();
		assertThat(pool.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
		assertThat(this.launched).hasSize(1);
	}

	@Test
	void aShutDownPoolRejectsNewTasksAsAnExecutorServiceDoesAndAClosedOneAsBefore() throws InterruptedException {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		pool.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(request()))
			.withMessage("Pool 'p' is shut down: it takes no new tasks");
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> pool.offer(request(), null, Long.MAX_VALUE));
		pool.close(Duration.ZERO);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(request()))
			.withMessageContaining("closed");
		assertThat(this.launched).isEmpty();
	}

	@Test
	void aPoolWithoutWorkersTerminatesAsItShutsDownAndIdleWorkersAreToldToExit() {
		PoolScheduler<FakeWorker> empty = scheduler(options(1));
		empty.shutdown();
		assertThat(empty.isTerminated()).isTrue();

		PoolScheduler<FakeWorker> pool = scheduler(options(2).minIdle(2));
		List<String> told = new ArrayList<>();
		pool.whenTerminated(() -> told.add("terminated"));
		pool.warmUp();
		this.launched.forEach((worker) -> worker.ready.complete(null));
		pool.shutdown();
		assertThat(this.launched).hasSize(2).allSatisfy((worker) -> assertThat(worker.shutdownAsked).isTrue());
		assertThat(pool.isTerminated()).isTrue();
		assertThat(told).containsExactly("terminated");
		pool.warmUp();
		assertThat(this.launched).as("no worker kept warm any more").hasSize(2);
	}

	@Test
	void aWorkerStillStartingWhenThePoolShutsDownIsToldToExitOnceReady() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).minIdle(1));
		pool.warmUp();
		FakeWorker worker = this.launched.get(0);
		pool.shutdown();
		assertThat(pool.isTerminated()).isFalse();
		worker.ready.complete(null);
		assertThat(worker.shutdownAsked).isTrue();
		assertThat(pool.isTerminated()).isTrue();
	}

	@Test
	void aWorkerThatDiesWhileThePoolShutsDownIsReplacedForTheQueuedTasks() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> first = pool.submit(request());
		CompletableFuture<Object> second = pool.submit(request());
		this.launched.get(0).ready.complete(null);
		pool.shutdown();
		this.launched.get(0).exit(-9);
		assertThat(failure(first)).isInstanceOf(ProcessDiedException.class);
		assertThat(this.launched).hasSize(2);
		FakeWorker replacement = this.launched.get(1);
		replacement.ready.complete(null);
		replacement.answer(0, "second");
		assertThat(second).isCompletedWithValue("second");
		assertThat(replacement.shutdownAsked).isTrue();
		assertThat(pool.isTerminated()).isTrue();
	}

	@Test
	void shutdownNowReturnsTheTasksThatNeverStartedAndInterruptsTheRunningOne() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).cancelGrace(Duration.ofSeconds(2)));
		Object runningTask = new Object();
		Object queuedTask = new Object();
		Object laterTask = new Object();
		CompletableFuture<Object> running = pool.submit(request(), runningTask);
		CompletableFuture<Object> queued = pool.submit(request(), queuedTask);
		CompletableFuture<Object> chunk = pool.submit(request());
		CompletableFuture<Object> later = pool.submit(request(), laterTask);
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		List<Object> neverStarted = pool.shutdownNow();
		assertThat(neverStarted).as("the pool's own calls are not returned").hasSize(2);
		assertThat(neverStarted.get(0)).isSameAs(queuedTask);
		assertThat(neverStarted.get(1)).isSameAs(laterTask);
		assertThat(List.of(queued, chunk, later)).allSatisfy((result) -> assertThat(failure(result))
			.isInstanceOf(CancellationException.class)
			.hasMessage("Pool 'p' shut down before the task started"));
		assertThat(running).isCancelled();
		assertThat(worker.cancelled).containsExactly(worker.calls.get(0).id());
		assertThat(pool.queued()).isZero();
		assertThat(pool.isTerminated()).isFalse();
		// the task does not stop: its worker is killed past the grace
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(worker.killed).isTrue();
		assertThat(pool.isTerminated()).isTrue();
		assertThat(worker.calls).hasSize(1);
	}

	@Test
	void aTaskThatStopsWhenCancelledByShutdownNowLetsItsWorkerExitQuietly() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).cancelGrace(Duration.ofSeconds(2)));
		pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		assertThat(pool.shutdownNow()).isEmpty();
		worker.calls.get(0).result().completeExceptionally(new InterruptedException());
		assertThat(worker.shutdownAsked).isTrue();
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(worker.killed).isFalse();
		assertThat(pool.isTerminated()).isTrue();
	}

	@Test
	void aCallerWaitingForRoomFindsThePoolShutDown() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxQueued(1).queueFullPolicy(QueueFullPolicy.WAIT));
		pool.submit(request());
		pool.submit(request());
		this.launched.get(0).ready.complete(null);
		Waiter waiter = submitWaiting(pool);
		pool.shutdown();
		assertThat(waiter.result()).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(RejectedExecutionException.class)
			.withMessageContaining("shut down");
	}

	@Test
	void closeAfterShutdownFailsWhatIsStillQueuedAndTerminates() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> running = pool.submit(request());
		CompletableFuture<Object> queued = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		pool.shutdown();
		assertThat(pool.close(Duration.ZERO)).isTrue();
		assertThat(failure(queued)).isInstanceOf(CancellationException.class)
			.hasMessage("Pool 'p' closed before the task started");
		assertThat(failure(running)).isInstanceOf(ProcessDiedException.class);
		assertThat(pool.isClosed()).isTrue();
		assertThat(pool.isTerminated()).isTrue();
	}

	@Test
	void awaitTerminationWaitsForTheLastWorkerToExit() throws Exception {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		pool.shutdown();
		CompletableFuture<Boolean> awaited = CompletableFuture.supplyAsync(() -> {
			try {
				return pool.awaitTermination(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(pool.awaitTermination(50, TimeUnit.MILLISECONDS)).as("its task still runs").isFalse();
		assertThat(awaited).isNotDone();
		worker.answer(0, "done");
		assertThat(awaited.get(10, TimeUnit.SECONDS)).isTrue();
	}

}

package dev.mp;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.sync.ProcessEvent;
import dev.mp.sync.SharedInt;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A pool as a {@code java.util.concurrent.ExecutorService} on real child JVMs, checked as CPython's
 * {@code test_concurrent_futures} checks its executors: shutdown, shutdown now, termination, invokeAny, and tasks that
 * cannot go to a worker.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ProcessPoolExecutorIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	private ProcessPool pool(int size, PoolOptions.Builder options) {
		return this.template.pool("executor", options.size(size).build());
	}

	private static void awaitBusy(ProcessPool pool) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.workers().stream().anyMatch((w) -> w.state() == ProcessState.BUSY));
	}

	@Test
	void theJdksOwnIdiomsWorkThroughAnExecutorServiceVariable() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder());
		ExecutorService executor = pool;
		SharedInt ran = this.template.sharedInt(0);
		assertThat(executor.submit((Callable<Integer> & Serializable) () -> 6 * 7).get(60, TimeUnit.SECONDS))
			.isEqualTo(42);
		assertThat(executor.submit(new Increment(ran), "done").get(60, TimeUnit.SECONDS)).isEqualTo("done");
		executor.execute(new Increment(ran));
		await().atMost(Duration.ofSeconds(60)).until(() -> ran.get() == 2);
		List<Future<Integer>> all = executor.invokeAll(List.<SerializableCallable<Integer>>of(() -> 1, () -> 2), 60,
				TimeUnit.SECONDS);
		assertThat(all.get(1).get()).isEqualTo(2);
		assertThat(executor.isShutdown()).isFalse();
	}

	@Test
	void shutdownLetsTheQueuedTasksFinishAndRejectsNewOnes() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		ProcessEvent release = this.template.event();
		List<CompletableFuture<Integer>> results = List.of(pool.submit(() -> {
			release.await();
			return 1;
		}), pool.submit(() -> 2), pool.submit(() -> 3));
		awaitBusy(pool);
		pool.shutdown();
		assertThat(pool.isShutdown()).isTrue();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(() -> 4))
			.withMessageContaining("shut down");
		Increment late = new Increment(this.template.sharedInt(0));
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.execute(late));
		assertThat(pool.queued()).as("the tasks queued behind the running one stay").isEqualTo(2);
		release.set();
		assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		assertThat(results).extracting(CompletableFuture::join).containsExactly(1, 2, 3);
		assertThat(pool.isTerminated()).isTrue();
		assertThat(pool.workers()).isEmpty();
		assertThat(this.template.pools()).as("a terminated pool leaves, as a closed one does").doesNotContain(pool);
		assertThat(this.template.pool("executor")).isNotSameAs(pool);
	}

	@Test
	void shutdownNowReturnsTheTasksThatNeverStartedAndCancelsTheRunningOne() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().cancelGrace(Duration.ofSeconds(10)));
		SharedInt ran = this.template.sharedInt(0);
		CompletableFuture<Integer> running = pool.submit(() -> {
			Thread.sleep(60_000);
			return 1;
		});
		awaitBusy(pool);
		Increment queuedRunnable = new Increment(ran);
		SerializableCallable<Integer> queuedCallable = () -> ran.incrementAndGet();
		pool.execute(queuedRunnable);
		CompletableFuture<Integer> queued = pool.submit(queuedCallable);
		List<Runnable> neverStarted = pool.shutdownNow();
		assertThat(neverStarted).hasSize(2);
		assertThat(neverStarted.get(0)).isSameAs(queuedRunnable);
		assertThat(neverStarted.get(1)).isInstanceOfSatisfying(UnstartedTask.class,
				(unstarted) -> assertThat(unstarted.task()).isSameAs(queuedCallable));
		assertThat(queued).isCancelled();
		assertThat(running).isCancelled();
		// the running task is interrupted: its worker exits well within the grace
		long start = System.nanoTime();
		assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(ran.get()).isZero();
	}

	@Test
	void awaitTerminationReturnsAtOnceWhenTerminatedAndOtherwiseWaitsAboutTheTimeout() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().cancelGrace(Duration.ofMillis(500)));
		pool.submit(() -> {
			Thread.sleep(60_000);
			return 1;
		});
		awaitBusy(pool);
		pool.shutdown();
		long start = System.nanoTime();
		assertThat(pool.awaitTermination(500, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450),
				Duration.ofSeconds(5));
		assertThat(pool.isTerminated()).isFalse();
		pool.shutdownNow();
		assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		start = System.nanoTime();
		assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
	}

	@Test
	void invokeAllInterruptedCancelsTheTasksNotDone() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().cancelGrace(Duration.ofMillis(200)));
		List<SerializableCallable<Integer>> tasks = List.of(() -> {
			Thread.sleep(60_000);
			return 1;
		});
		CompletableFuture<Throwable> thrown = new CompletableFuture<>();
		Thread caller = new Thread(() -> {
			try {
				pool.invokeAll(tasks);
				thrown.complete(null);
			}
			catch (Throwable ex) {
				thrown.complete(ex);
			}
		});
		caller.start();
		awaitBusy(pool);
		caller.interrupt();
		assertThat(thrown.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
		assertThat(pool.submit(() -> 2).get(30, TimeUnit.SECONDS)).as("the cancelled task freed its worker")
			.isEqualTo(2);
	}

	@Test
	void invokeAnyReturnsOneResultAndCancelsTheRest() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder().cancelGrace(Duration.ofSeconds(10)));
		List<SerializableCallable<String>> tasks = List.of(() -> {
			Thread.sleep(60_000);
			return "slow";
		}, () -> "fast");
		long start = System.nanoTime();
		assertThat(pool.invokeAny(tasks)).isEqualTo("fast");
		// the slow one, interrupted, leaves its worker idle long before it would have finished
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.workers().stream().allMatch((w) -> w.state() == ProcessState.IDLE));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

		List<SerializableCallable<String>> failing = List.of(() -> {
			throw new IllegalStateException("first");
		}, () -> {
			throw new IllegalArgumentException("second");
		});
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> pool.invokeAny(failing))
			.withCauseInstanceOf(RuntimeException.class);
		assertThatExceptionOfType(TimeoutException.class)
			.isThrownBy(() -> pool.invokeAny(tasks.subList(0, 1), 300, TimeUnit.MILLISECONDS));
	}

	@Test
	void aTaskThatIsNotSerializableFailsAtOnceSayingWhatToDo() {
		ProcessPool pool = pool(1, PoolOptions.builder());
		ExecutorService executor = pool;
		Callable<Integer> plain = () -> 1;
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> executor.submit(plain))
			.withMessageContaining(getClass().getName() + " (lambda)")
			.withMessageContaining("does not implement java.io.Serializable")
			.withMessageContaining("SerializableCallable");
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> executor.execute(() -> {
		})).withMessageContaining("(Runnable & Serializable)");
		assertThatExceptionOfType(SerializationException.class)
			.isThrownBy(() -> executor.invokeAll(List.of(() -> 1, () -> 2)))
			.withMessageContaining("List<SerializableCallable<T>>");
		assertThat(pool.workers()).as("nothing was started for them").isEmpty();
	}

	@Test
	void completableFutureSupplyAsyncOnThePoolIsRejectedSayingWhatToDoInstead() {
		ExecutorService executor = pool(1, PoolOptions.builder());
		assertThatExceptionOfType(SerializationException.class)
			.isThrownBy(() -> CompletableFuture.supplyAsync(() -> 1, executor))
			.withMessageContaining("CompletableFuture's async method")
			.withMessageContaining("call ProcessPool.submit with a SerializableCallable instead");
	}

	/** A serializable {@code Runnable}, as the JDK's executors take. */
	record Increment(SharedInt counter) implements Runnable, Serializable {

		@Override
		public void run() {
			this.counter.incrementAndGet();
		}

	}

}

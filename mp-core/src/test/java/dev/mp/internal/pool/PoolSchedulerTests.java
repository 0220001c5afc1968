package dev.mp.internal.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.mp.PoolListener;
import dev.mp.PoolOptions;
import dev.mp.ProcessDiedException;
import dev.mp.ProcessStartException;
import dev.mp.QueueFullPolicy;
import dev.mp.TaskTimeoutException;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.call.CallbackFuture;
import dev.mp.internal.call.ChildCall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The pool's scheduling without a process: workers are fakes whose start, answers and exit the test decides, and time
 * moves only when the test turns the clock.
 */
class PoolSchedulerTests {

	private final ManualClock clock = new ManualClock();

	private final List<FakeWorker> launched = new ArrayList<>();

	private final List<String> deaths = new ArrayList<>();

	private @Nullable RuntimeException launchFailure;

	private PoolScheduler<FakeWorker> scheduler(PoolOptions.Builder options) {
		PoolListener listener = new PoolListener() {

			@Override
			public void workerDied(String pool, String cause) {
				PoolSchedulerTests.this.deaths.add(cause);
			}

		};
		return new PoolScheduler<>("p", options.build(), null, this::launch, this.clock, Runnable::run,
				List.of(listener));
	}

	private FakeWorker launch(String name) {
		if (this.launchFailure != null) {
			throw this.launchFailure;
		}
		FakeWorker worker = new FakeWorker(name);
		this.launched.add(worker);
		return worker;
	}

	private static PoolOptions.Builder options(int size) {
		return PoolOptions.builder().size(size).minIdle(0);
	}

	static CallRequest request() {
		return CallRequest.encoded(new byte[] { 1 });
	}

	@Test
	void aTaskWaitsUntilAWorkerIsReady() {
		PoolScheduler<FakeWorker> pool = scheduler(options(2));
		CompletableFuture<Object> result = pool.submit(request());
		assertThat(this.launched).hasSize(1);
		FakeWorker worker = this.launched.get(0);
		assertThat(worker.calls).isEmpty();
		assertThat(pool.queued()).isEqualTo(1);
		worker.ready.complete(null);
		assertThat(worker.calls).hasSize(1);
		assertThat(pool.queued()).isZero();
		assertThat(result).isNotDone();
		worker.answer(0, "done");
		assertThat(result).isCompletedWithValue("done");
	}

	@Test
	void aWorkerRunsOneTaskAtATime() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> first = pool.submit(request());
		CompletableFuture<Object> second = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		assertThat(worker.calls).hasSize(1);
		assertThat(pool.queued()).isEqualTo(1);
		worker.answer(0, 1);
		assertThat(first).isCompletedWithValue(1);
		assertThat(worker.calls).hasSize(2);
		assertThat(second).isNotDone();
		worker.answer(1, 2);
		assertThat(second).isCompletedWithValue(2);
		assertThat(this.launched).hasSize(1);
	}

	@Test
	void aWorkerThatDiesFailsOnlyItsOwnTaskAndIsReplaced() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> first = pool.submit(request());
		CompletableFuture<Object> second = pool.submit(request());
		FakeWorker dying = this.launched.get(0);
		dying.ready.complete(null);
		dying.exit(-9);
		assertThat(first).isCompletedExceptionally();
		assertThat(failure(first)).isInstanceOf(ProcessDiedException.class);
		assertThat(second).isNotDone();
		assertThat(pool.workersReplaced()).isEqualTo(1);
		assertThat(this.deaths).hasSize(1);
		assertThat(this.launched).hasSize(2);
		FakeWorker replacement = this.launched.get(1);
		replacement.ready.complete(null);
		replacement.answer(0, "second");
		assertThat(second).isCompletedWithValue("second");
		assertThat(pool.workers()).containsExactly(replacement);
	}

	@Test
	void aWorkerIsRecycledAfterMaxTasksPerWorker() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxTasksPerWorker(2));
		List<CompletableFuture<Object>> results = List.of(pool.submit(request()), pool.submit(request()),
				pool.submit(request()));
		FakeWorker first = this.launched.get(0);
		first.ready.complete(null);
		first.answer(0, 0);
		assertThat(first.shutdownAsked).isFalse();
		first.answer(1, 1);
		assertThat(first.shutdownAsked).isTrue();
		assertThat(first.killed).isFalse();
		assertThat(this.launched).hasSize(2);
		FakeWorker second = this.launched.get(1);
		second.ready.complete(null);
		second.answer(0, 2);
		assertThat(results).allSatisfy((result) -> assertThat(result).isDone());
		assertThat(results.get(2)).isCompletedWithValue(2);
		// retired, not died: nothing to replace
		assertThat(pool.workersReplaced()).isZero();
		assertThat(this.deaths).isEmpty();
	}

	@Test
	void aTaskPastItsTimeoutKillsItsWorkerAndFailsWithTaskTimeoutException() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).taskTimeout(Duration.ofSeconds(5)));
		CompletableFuture<Object> result = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		this.clock.advance(Duration.ofMillis(4_999));
		assertThat(result).isNotDone();
		assertThat(worker.killed).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(failure(result)).isInstanceOf(TaskTimeoutException.class);
		assertThat(((TaskTimeoutException) failure(result)).timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(worker.killed).isTrue();
		CompletableFuture<Object> next = pool.submit(request());
		assertThat(this.launched).hasSize(2);
		this.launched.get(1).ready.complete(null);
		this.launched.get(1).answer(0, "next");
		assertThat(next).isCompletedWithValue("next");
	}

	@Test
	void listenersHearHowEachTaskEndedAndOneThatThrowsIsPassedOver() {
		List<PoolListener.TaskOutcome> outcomes = new ArrayList<>();
		PoolListener throwing = new PoolListener() {

			@Override
			public void taskEnded(String pool, Duration queued, Duration ran, PoolListener.TaskOutcome outcome) {
				throw new IllegalStateException("a listener's own bug");
			}

		};
		PoolListener recording = new PoolListener() {

			@Override
			public void taskEnded(String pool, Duration queued, Duration ran, PoolListener.TaskOutcome outcome) {
				outcomes.add(outcome);
			}

		};
		PoolScheduler<FakeWorker> pool = new PoolScheduler<>("p",
				options(1).taskTimeout(Duration.ofSeconds(5)).build(), null, this::launch, this.clock, Runnable::run,
				List.of(throwing, recording));
		CompletableFuture<Object> done = pool.submit(request());
		FakeWorker first = this.launched.get(0);
		first.ready.complete(null);
		first.answer(0, "done");
		CompletableFuture<Object> cancelled = pool.submit(request());
		cancelled.cancel(true);
		first.answer(1, "too late");
		CompletableFuture<Object> slow = pool.submit(request());
		this.clock.advance(Duration.ofSeconds(5));
		CompletableFuture<Object> crashed = pool.submit(request());
		FakeWorker second = this.launched.get(1);
		second.ready.complete(null);
		second.exit(1);
		assertThat(done).isCompletedWithValue("done");
		assertThat(cancelled).isCancelled();
		assertThat(failure(slow)).isInstanceOf(TaskTimeoutException.class);
		assertThat(failure(crashed)).isInstanceOf(ProcessDiedException.class);
		assertThat(outcomes).containsExactly(PoolListener.TaskOutcome.SUCCESS, PoolListener.TaskOutcome.CANCELLED,
				PoolListener.TaskOutcome.TIMEOUT, PoolListener.TaskOutcome.CRASH);
	}

	@Test
	void aTaskAnsweredInTimeLeavesItsWorkerAlone() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).taskTimeout(Duration.ofSeconds(5)));
		CompletableFuture<Object> result = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		worker.answer(0, "quick");
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(result).isCompletedWithValue("quick");
		assertThat(worker.killed).isFalse();
		assertThat(pool.workers()).containsExactly(worker);
	}

	@Test
	void cancelWithInterruptionInterruptsThenKillsAfterTheGrace() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).cancelGrace(Duration.ofSeconds(2)));
		CompletableFuture<Object> result = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		result.cancel(true);
		assertThat(worker.cancelled).containsExactly(worker.calls.get(0).id());
		assertThat(worker.killed).isFalse();
		this.clock.advance(Duration.ofMillis(1_999));
		assertThat(worker.killed).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(worker.killed).isTrue();
		assertThat(result).isCancelled();
	}

	@Test
	void aCancelledTaskThatStopsWithinTheGraceKeepsItsWorker() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).cancelGrace(Duration.ofSeconds(2)));
		CompletableFuture<Object> result = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		result.cancel(true);
		worker.calls.get(0).result().completeExceptionally(new InterruptedException());
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(worker.killed).isFalse();
		assertThat(pool.workers()).containsExactly(worker);
	}

	@Test
	void aCancelledQueuedTaskNeverReachesAWorker() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		pool.submit(request());
		CompletableFuture<Object> queued = pool.submit(request());
		assertThat(pool.queued()).isEqualTo(2);
		queued.cancel(true);
		assertThat(pool.queued()).isEqualTo(1);
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		worker.answer(0, "first");
		assertThat(worker.calls).hasSize(1);
		assertThat(worker.cancelled).isEmpty();
	}

	@Test
	void aTaskBeyondMaxQueuedIsRejectedAtOnceSayingWhatToDo() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxQueued(1));
		CompletableFuture<Object> first = pool.submit(request());
		CompletableFuture<Object> second = pool.submit(request());
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(request()))
			.withMessageContaining("Pool 'p' rejected a task")
			.withMessageContaining("1 task(s) waiting for a busy worker (max-queued: 1) and 1 for workers starting")
			.withMessageContaining("raise mp.pools.p.max-queued")
			.withMessageContaining("mp.pools.p.queue-full-policy=wait");
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		assertThat(pool.queued()).isEqualTo(1);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(request()))
			.withMessageNotContaining("starting");
		worker.answer(0, 1);
		assertThat(pool.queued()).isZero();
		CompletableFuture<Object> third = pool.submit(request());
		worker.answer(1, 2);
		worker.answer(2, 3);
		assertThat(first).isCompletedWithValue(1);
		assertThat(second).isCompletedWithValue(2);
		assertThat(third).isCompletedWithValue(3);
		assertThat(worker.calls).as("the rejected tasks never reached a worker").hasSize(3);
	}

	@Test
	void tasksForWorkersStillStartingDoNotCountAgainstMaxQueued() {
		PoolScheduler<FakeWorker> pool = scheduler(options(2).maxQueued(1));
		pool.submit(request());
		pool.submit(request());
		pool.submit(request());
		assertThat(this.launched).hasSize(2);
		assertThat(pool.queued()).isEqualTo(3);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(request()));
	}

	@Test
	void withTheWaitPolicyACallerWaitsUntilAQueuedTaskIsTakenOrCancelled() throws Exception {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxQueued(1).queueFullPolicy(QueueFullPolicy.WAIT));
		pool.submit(request());
		pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		Waiter third = submitWaiting(pool);
		assertThat(third.result()).isNotDone();
		assertThat(pool.queued()).isEqualTo(1);
		worker.answer(0, "first");
		CompletableFuture<Object> taken = third.result().get(10, TimeUnit.SECONDS);
		assertThat(pool.queued()).isEqualTo(1);
		Waiter fourth = submitWaiting(pool);
		taken.cancel(true);
		fourth.result().get(10, TimeUnit.SECONDS);
		assertThat(pool.queued()).isEqualTo(1);
		worker.answer(1, "second");
		assertThat(worker.calls).as("the cancelled task never reached a worker").hasSize(3);
	}

	@Test
	void aCallerWaitingForRoomIsRejectedWhenInterruptedAndKeepsItsInterrupt() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxQueued(1).queueFullPolicy(QueueFullPolicy.WAIT));
		pool.submit(request());
		pool.submit(request());
		this.launched.get(0).ready.complete(null);
		Waiter waiter = submitWaiting(pool);
		waiter.thread().interrupt();
		assertThat(waiter.result()).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(RejectedExecutionException.class)
			.withMessageContaining("Interrupted while waiting for room in the queue of pool 'p'");
		assertThat(waiter.interruptKept()).isTrue();
		assertThat(pool.queued()).isEqualTo(1);
	}

	@Test
	void aCallerWaitingForRoomFindsThePoolClosed() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxQueued(1).queueFullPolicy(QueueFullPolicy.WAIT));
		pool.submit(request());
		pool.submit(request());
		this.launched.get(0).ready.complete(null);
		Waiter waiter = submitWaiting(pool);
		pool.close(Duration.ZERO);
		assertThat(waiter.result()).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(RejectedExecutionException.class)
			.withMessageContaining("closed");
	}

	@Test
	void offerWaitsForRoomWhateverThePolicyAndGivesUpAfterItsTime() throws InterruptedException {
		PoolScheduler<FakeWorker> pool = scheduler(options(1).maxQueued(1));
		pool.submit(request());
		pool.submit(request());
		this.launched.get(0).ready.complete(null);
		assertThat(pool.offer(request(), null, 0)).isNull();
		assertThat(pool.offer(request(), null, Duration.ofMillis(50).toNanos())).isNull();
		this.launched.get(0).answer(0, "first");
		assertThat(pool.offer(request(), null, 0)).isNotNull();
		assertThat(pool.queued()).isEqualTo(1);
	}

	/** Submits from a thread of its own; returns once that thread waits for room. */
	static Waiter submitWaiting(PoolScheduler<FakeWorker> pool) {
		CompletableFuture<CompletableFuture<Object>> result = new CompletableFuture<>();
		AtomicBoolean interruptKept = new AtomicBoolean();
		Thread thread = new Thread(() -> {
			try {
				result.complete(pool.submit(request()));
			}
			catch (RuntimeException ex) {
				interruptKept.set(Thread.currentThread().isInterrupted());
				result.completeExceptionally(ex);
			}
		}, "waiting-for-room");
		thread.setDaemon(true);
		thread.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
		return new Waiter(thread, result, interruptKept);
	}

	/** A caller submitting from its own thread: the task's result once it is queued, or why it was not. */
	record Waiter(Thread thread, CompletableFuture<CompletableFuture<Object>> result,
			AtomicBoolean interruptKept) {
	}

	@Test
	void tooManyStartFailuresWithinThePeriodStopStartingAndFailCallsWithTheReason() {
		PoolScheduler<FakeWorker> pool = scheduler(
				options(1).maxStartFailures(2).startFailurePeriod(Duration.ofSeconds(30)));
		CompletableFuture<Object> first = pool.submit(request());
		CompletableFuture<Object> firstQueued = pool.submit(request());
		ProcessStartException reason = startFailure("bad JVM option");
		this.launched.get(0).failStart(reason);
		assertThat(failure(first)).isSameAs(reason);
		assertThat(failure(firstQueued)).isSameAs(reason);
		assertThat(pool.startFailure()).isSameAs(reason);
		// each new task still tries once
		CompletableFuture<Object> second = pool.submit(request());
		assertThat(this.launched).hasSize(2);
		this.launched.get(1).failStart(startFailure("bad JVM option again"));
		assertThat(second).isCompletedExceptionally();
		CompletableFuture<Object> refused = pool.submit(request());
		assertThat(this.launched).hasSize(2);
		assertThat(failure(refused)).isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("starts no more workers for now")
			.hasMessageContaining("bad JVM option again");
		// the period over, a task tries again, and a worker that starts clears the record
		this.clock.advance(Duration.ofSeconds(31));
		CompletableFuture<Object> later = pool.submit(request());
		assertThat(this.launched).hasSize(3);
		this.launched.get(2).ready.complete(null);
		this.launched.get(2).answer(0, "fine");
		assertThat(later).isCompletedWithValue("fine");
		assertThat(pool.startFailure()).isNull();
	}

	@Test
	void aWorkerThatCannotBeLaunchedFailsTheQueueWithTheReason() {
		this.launchFailure = new IllegalStateException("no java here");
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> result = pool.submit(request());
		assertThat(failure(result)).isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("no java here");
		assertThat(pool.queued()).isZero();
	}

	@Test
	void closeFailsQueuedTasksAndKillsWorkersStillBusyAfterTheGrace() {
		PoolScheduler<FakeWorker> pool = scheduler(options(1));
		CompletableFuture<Object> running = pool.submit(request());
		CompletableFuture<Object> queued = pool.submit(request());
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		assertThat(pool.close(Duration.ZERO)).isTrue();
		assertThat(queued).isCompletedExceptionally();
		assertThat(failure(queued)).isInstanceOf(CancellationException.class);
		assertThat(worker.killed).isTrue();
		assertThat(failure(running)).isInstanceOf(ProcessDiedException.class);
		assertThat(pool.isClosed()).isTrue();
		assertThat(pool.close(Duration.ZERO)).isFalse();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.submit(request()));
		assertThat(this.launched).hasSize(1);
	}

	@Test
	void closeShutsIdleWorkersDown() {
		PoolScheduler<FakeWorker> pool = scheduler(options(2).minIdle(1));
		pool.warmUp();
		FakeWorker worker = this.launched.get(0);
		worker.ready.complete(null);
		assertThat(pool.whenWarm()).isDone();
		pool.close(Duration.ofSeconds(30));
		assertThat(worker.shutdownAsked).isTrue();
		assertThat(worker.killed).isFalse();
		assertThat(pool.workers()).isEmpty();
		assertThat(pool.workersReplaced()).isZero();
	}

	@Test
	void idleWorkersPastTheIdleTimeoutRetireDownToMinIdle() {
		PoolScheduler<FakeWorker> pool = scheduler(options(2).minIdle(1).idleTimeout(Duration.ofMinutes(1)));
		CompletableFuture<Object> a = pool.submit(request());
		CompletableFuture<Object> b = pool.submit(request());
		this.launched.forEach((worker) -> worker.ready.complete(null));
		this.launched.forEach((worker) -> worker.answer(0, "x"));
		assertThat(a).isDone();
		assertThat(b).isDone();
		this.clock.advance(Duration.ofSeconds(59));
		pool.retireIdle();
		assertThat(pool.workers()).hasSize(2);
		this.clock.advance(Duration.ofSeconds(1));
		pool.retireIdle();
		assertThat(pool.workers()).hasSize(1);
		assertThat(this.launched.stream().filter((worker) -> worker.shutdownAsked)).hasSize(1);
	}

	/** What a failed future failed with. */
	static Throwable failure(CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		try {
			future.getNow(null);
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
		catch (CancellationException ex) {
			return ex;
		}
		throw new AssertionError("Not failed: " + future);
	}

	private static ProcessStartException startFailure(String why) {
		return new ProcessStartException(why, "p-x", 42, List.of("java"), 1, List.of(), null);
	}

	/** A worker whose readiness, answers and exit the test decides. */
	static final class FakeWorker implements PoolWorker {

		private final String name;

		final CompletableFuture<Void> ready = new CompletableFuture<>();

		private final CompletableFuture<Void> exited = new CompletableFuture<>();

		final List<ChildCall> calls = new ArrayList<>();

		final List<Long> cancelled = new ArrayList<>();

		boolean shutdownAsked;

		boolean killed;

		private boolean stopping;

		private @Nullable Integer exitCode;

		FakeWorker(String name) {
			this.name = name;
		}

		void answer(int call, Object value) {
			this.calls.get(call).result().complete(value);
		}

		/** As a child that exits before it is ready: its start fails, then its exit completes. */
		void failStart(ProcessStartException reason) {
			this.exitCode = 1;
			this.ready.completeExceptionally(reason);
			this.exited.complete(null);
		}

		/** As a child's exit: its exit is seen, then its pending calls fail, then its exit completes. */
		void exit(int code) {
			this.exitCode = code;
			for (ChildCall call : this.calls) {
				call.result().completeExceptionally(new ProcessDiedException("Worker '" + this.name + "' died",
						this.name, pid(), command(), code, List.of()));
			}
			this.exited.complete(null);
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public long pid() {
			return 42;
		}

		@Override
		public List<String> command() {
			return List.of("java");
		}

		@Override
		public List<String> outputTail() {
			return List.of();
		}

		@Override
		public Instant startTime() {
			return Instant.now();
		}

		@Override
		public OptionalInt exitCode() {
			return (this.exitCode != null) ? OptionalInt.of(this.exitCode) : OptionalInt.empty();
		}

		@Override
		public CompletableFuture<Void> whenReady() {
			return this.ready;
		}

		@Override
		public ChildCall call(CallRequest request, @Nullable CallbackFuture<?> caller) {
			ChildCall call = new ChildCall(this.calls.size() + 1, new CompletableFuture<>());
			this.calls.add(call);
			return call;
		}

		@Override
		public void spinForAnswer(long callId, long maxNanos) {
		}

		@Override
		public void cancel(long callId) {
			this.cancelled.add(callId);
		}

		/** Exits at once, as an idle child told to. */
		@Override
		public void shutdown() {
			this.shutdownAsked = true;
			exit(0);
		}

		@Override
		public void kill() {
			this.killed = true;
			this.stopping = true;
			exit(-9);
		}

		@Override
		public void markStopping() {
			this.stopping = true;
		}

		@Override
		public boolean isStopping() {
			return this.stopping;
		}

		@Override
		public boolean isAlive() {
			return this.exitCode == null;
		}

		@Override
		public boolean hasExited() {
			return this.exitCode != null;
		}

		@Override
		public boolean awaitExit(long millis) {
			return this.exited.isDone();
		}

		@Override
		public CompletableFuture<?> onExit() {
			return this.exited;
		}

	}

	/** Time that moves only when the test says, running the timers that fall due. */
	static final class ManualClock implements PoolClock {

		private long now;

		private final List<Timer> timers = new ArrayList<>();

		@Override
		public long nanoTime() {
			return this.now;
		}

		@Override
		public Future<?> schedule(Runnable action, Duration delay) {
			Timer timer = new Timer(this.now + delay.toNanos(), new FutureTask<>(action, null));
			this.timers.add(timer);
			return timer.task();
		}

		void advance(Duration duration) {
			this.now += duration.toNanos();
			List<Timer> due = this.timers.stream()
				.filter((timer) -> timer.at() <= this.now)
				.sorted(Comparator.comparingLong(Timer::at))
				.toList();
			this.timers.removeAll(due);
			due.forEach((timer) -> timer.task().run());
		}

		private record Timer(long at, FutureTask<?> task) {
		}

	}

}

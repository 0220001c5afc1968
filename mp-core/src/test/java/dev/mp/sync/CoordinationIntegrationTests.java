package dev.mp.sync;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.SerializableConsumer;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Barriers, conditions, events and semaphores coordinating real child JVMs with each other and the parent.
 */
@ExtendWith(NoChildProcessesLeft.class)
class CoordinationIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aBarrierOfThreeProcessesTripsTwiceRunningItsActionOncePerTrip() throws Exception {
		SharedLong trips = this.template.sharedLong(0);
		SharedIntArray arrivals = this.template.sharedIntArray(3);
		ProcessBarrier barrier = this.template.barrier(3, trips::incrementAndGet);
		List<ManagedProcess> children = startAll(2, (Integer i) -> {
			for (int round = 0; round < 2; round++) {
				arrivals.getAndAdd(barrier.await(), 1);
			}
		});
		for (int round = 0; round < 2; round++) {
			arrivals.getAndAdd(barrier.await(30, TimeUnit.SECONDS), 1);
		}
		joinAll(children);
		assertThat(trips.get()).isEqualTo(2);
		assertThat(arrivals.toArray()).as("each arrival index once per trip").containsExactly(2, 2, 2);
		assertThat(barrier.isBroken()).isFalse();
	}

	@Test
	void aPartyAlreadyInterruptedBreaksTheBarrierEvenAsTheLastToArrive() throws Exception {
		ProcessBarrier barrier = this.template.barrier(2);
		SharedInt outcome = this.template.sharedInt(0);
		ManagedProcess waiting = this.template.process((Integer unused) -> {
			try {
				barrier.await();
				outcome.set(1);
			}
			catch (BrokenBarrierException ex) {
				outcome.set(2);
			}
		}, 0).start();
		await().atMost(Duration.ofSeconds(30)).until(() -> barrier.numberWaiting() == 1);
		Thread.currentThread().interrupt();
		assertThatThrownBy(barrier::await).isInstanceOf(InterruptedException.class).hasMessageContaining("reset()");
		assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is consumed, as CyclicBarrier does")
			.isFalse();
		assertThat(barrier.isBroken()).isTrue();
		waiting.join();
		assertThat(outcome.get()).as("the waiting party got BrokenBarrierException").isEqualTo(2);
	}

	@Test
	void aBarrierMadeWithATimeoutBreaksWhenAwaitWaitsLongerAsPythonsDoes() throws Exception {
		ProcessBarrier barrier = this.template.barrier(2, null, Duration.ofMillis(300));
		SharedInt outcome = this.template.sharedInt(0);
		ManagedProcess alone = this.template.process((Integer unused) -> {
			try {
				barrier.await();
				outcome.set(1);
			}
			catch (BrokenBarrierException ex) {
				outcome.set((ex.getCause() instanceof TimeoutException) ? 2 : 3);
			}
		}, 0).start();
		assertThat(alone.join(Duration.ofSeconds(30))).isTrue();
		assertThat(outcome.get()).as("broken by its own timeout").isEqualTo(2);
		assertThat(barrier.isBroken()).isTrue();
		assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class);
	}

	@Test
	void aPartyThatTimesOutBreaksTheBarrierUntilReset() throws Exception {
		ProcessBarrier barrier = this.template.barrier(2);
		assertThatThrownBy(() -> barrier.await(50, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
		assertThat(barrier.isBroken()).isTrue();
		assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class).hasMessageContaining("reset()");
		barrier.reset();
		assertThat(barrier.isBroken()).isFalse();
		ManagedProcess other = this.template.process((ProcessBarrier b) -> b.await(), barrier).start();
		assertThat(barrier.await(30, TimeUnit.SECONDS)).isIn(0, 1);
		joinAll(List.of(other));
	}

	@Test
	void signalWakesOneWaitingProcessAndSignalAllTheRest() throws Exception {
		ProcessLock lock = this.template.lock();
		Waiters waiters = new Waiters(lock, lock.newCondition(), this.template.sharedInt(0),
				this.template.sharedInt(0), this.template.sharedInt(0));
		List<ManagedProcess> children = startAll(2, (Integer i) -> {
			waiters.lock().lock();
			try {
				waiters.ready().incrementAndGet();
				int seen = waiters.woken().get();
				while (waiters.permits().get() <= seen) {
					waiters.condition().await();
					seen = waiters.woken().get();
				}
				waiters.woken().incrementAndGet();
			}
			finally {
				waiters.lock().unlock();
			}
		});
		await().atMost(Duration.ofSeconds(30)).until(() -> waiters.ready().get() == 2);
		signal(waiters, false);
		await().atMost(Duration.ofSeconds(10)).until(() -> waiters.woken().get() == 1);
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
			.until(() -> waiters.woken().get() == 1);
		signal(waiters, true);
		joinAll(children);
		assertThat(waiters.woken().get()).isEqualTo(2);
	}

	private static void signal(Waiters waiters, boolean all) {
		waiters.lock().lock();
		try {
			waiters.permits().set(all ? 2 : 1);
			if (all) {
				waiters.condition().signalAll();
			}
			else {
				waiters.condition().signal();
			}
		}
		finally {
			waiters.lock().unlock();
		}
	}

	@Test
	void anEventWakesEveryWaitingProcess() throws Exception {
		ProcessEvent event = this.template.event();
		SharedInt waiting = this.template.sharedInt(0);
		SharedInt woken = this.template.sharedInt(0);
		List<ManagedProcess> children = startAll(2, (Integer i) -> {
			waiting.incrementAndGet();
			if (event.await(60, TimeUnit.SECONDS)) {
				woken.incrementAndGet();
			}
		});
		await().atMost(Duration.ofSeconds(30)).until(() -> waiting.get() == 2);
		assertThat(woken.get()).isZero();
		event.set();
		joinAll(children);
		assertThat(woken.get()).isEqualTo(2);
		assertThat(event.await(0, TimeUnit.SECONDS)).as("stays set").isTrue();
		event.clear();
		assertThat(event.await(10, TimeUnit.MILLISECONDS)).isFalse();
	}

	@Test
	void aSemaphoreBoundsHowManyProcessesAreInsideAtOnce() throws Exception {
		ProcessSemaphore semaphore = this.template.semaphore(2);
		ProcessBarrier start = this.template.barrier(4);
		SharedInt inside = this.template.sharedInt(0);
		SharedInt most = this.template.sharedInt(0);
		List<ManagedProcess> children = startAll(4, (Integer i) -> {
			start.await();
			for (int round = 0; round < 20; round++) {
				semaphore.acquire();
				try {
					int now = inside.incrementAndGet();
					int seen = most.get();
					while (now > seen && !most.compareAndSet(seen, now)) {
						seen = most.get();
					}
					long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
					while (System.nanoTime() < until) {
						Thread.onSpinWait();
					}
					inside.addAndGet(-1);
				}
				finally {
					semaphore.release();
				}
			}
		});
		joinAll(children);
		assertThat(most.get()).isEqualTo(2);
		assertThat(semaphore.availablePermits()).isEqualTo(2);
	}

	@Test
	void aPermitTakenByAProcessThatExitsInOrderIsUsedNotRecovered() throws Exception {
		ProcessSemaphore signals = this.template.semaphore(0);
		signals.release();
		ManagedProcess consumer = this.template.process((ProcessSemaphore s) -> {
			if (!s.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no signal");
			}
		}, signals).start();
		joinAll(List.of(consumer));
		assertThat(signals.tryAcquire(200, TimeUnit.MILLISECONDS)).as("the consumed signal came back").isFalse();
		assertThat(signals.recoveredPermits()).isZero();
	}

	private List<ManagedProcess> startAll(int count, SerializableConsumer<Integer> body) {
		List<ManagedProcess> started = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			started.add(this.template.process(body, i).start());
		}
		return started;
	}

	private static void joinAll(List<ManagedProcess> processes) throws InterruptedException {
		for (ManagedProcess process : processes) {
			assertThat(process.join(Duration.ofSeconds(60))).as("%s exited", process).isTrue();
			assertThat(process.exitCode()).as("exit code of %s", process).hasValue(0);
		}
	}

	record Waiters(ProcessLock lock, Condition condition, SharedInt ready, SharedInt permits, SharedInt woken)
			implements Serializable {
	}

}

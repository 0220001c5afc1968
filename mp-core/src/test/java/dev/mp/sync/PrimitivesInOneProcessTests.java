package dev.mp.sync;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Threads of one process racing on shared objects: the races there are the same as between processes, and cheaper
 * to provoke.
 */
class PrimitivesInOneProcessTests {

	private final SharedObjects shared = TestSharedObjects.open();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.shared.close();
	}

	@Test
	void threadsRacingOnASemaphoreNeitherMakeNorLosePermits() throws Exception {
		ProcessSemaphore semaphore = this.shared.semaphore(4, false);
		List<Future<?>> racers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			racers.add(this.threads.submit(() -> {
				for (int i = 0; i < 5_000; i++) {
					semaphore.acquire();
					semaphore.release();
				}
				return null;
			}));
		}
		for (Future<?> racer : racers) {
			racer.get(60, TimeUnit.SECONDS);
		}
		assertThat(semaphore.availablePermits()).isEqualTo(4);
		assertThat(semaphore.recoveredPermits()).isZero();
	}

	@Test
	void aClosedSemaphoreIsNoLongerKeptForTheExitHook() throws Exception {
		ProcessSemaphore semaphore = this.shared.semaphore(1, false);
		semaphore.acquire();
		semaphore.release();
		synchronized (ProcessSemaphore.HELD_HERE) {
			assertThat(ProcessSemaphore.HELD_HERE).contains(semaphore);
		}
		semaphore.close();
		synchronized (ProcessSemaphore.HELD_HERE) {
			assertThat(ProcessSemaphore.HELD_HERE).doesNotContain(semaphore);
		}
	}

	@Test
	void theExitHookKeepsNoCallersClassLoader() throws Exception {
		ClassLoader callers = new URLClassLoader(new URL[0], null);
		Thread maker = Thread.currentThread();
		ClassLoader context = maker.getContextClassLoader();
		maker.setContextClassLoader(callers);
		try {
			assertThat(ProcessSemaphore.exitHook().getContextClassLoader())
				.isSameAs(ProcessSemaphore.class.getClassLoader());
		}
		finally {
			maker.setContextClassLoader(context);
		}
	}

	@Test
	void aPartyArrivingWhileTheLastRunsTheActionWaitsForTheNextGeneration() throws Exception {
		CountDownLatch inAction = new CountDownLatch(1);
		CountDownLatch finishAction = new CountDownLatch(1);
		ProcessBarrier barrier = this.shared.barrier(2, () -> {
			inAction.countDown();
			finishAction.await();
		}, null);
		Future<Integer> first = this.threads.submit(() -> barrier.await());
		Future<Integer> last = this.threads.submit(() -> barrier.await());
		assertThat(inAction.await(30, TimeUnit.SECONDS)).isTrue();
		Future<Integer> early = this.threads.submit(() -> barrier.await());
		Future<Integer> partner = this.threads.submit(() -> {
			finishAction.countDown();
			return barrier.await();
		});
		assertThat(List.of(first.get(30, TimeUnit.SECONDS), last.get(30, TimeUnit.SECONDS))).containsOnly(0, 1);
		assertThat(List.of(early.get(30, TimeUnit.SECONDS), partner.get(30, TimeUnit.SECONDS)))
			.as("the next generation's arrival indexes").containsExactlyInAnyOrder(0, 1);
		assertThat(barrier.isBroken()).isFalse();
	}

	@Test
	void lockInterruptiblyGivesUpWhenInterruptedAndLeavesTheLockToItsOwner() throws Exception {
		ProcessLock lock = this.shared.lock(false);
		lock.lock();
		CountDownLatch waiting = new CountDownLatch(1);
		Future<Boolean> waiter = this.threads.submit(() -> {
			waiting.countDown();
			try {
				lock.lockInterruptibly();
				return true;
			}
			catch (InterruptedException ex) {
				return false;
			}
		});
		assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
		waiter.cancel(true);
		assertThatThrownBy(() -> waiter.get()).isInstanceOf(java.util.concurrent.CancellationException.class);
		this.threads.shutdown();
		assertThat(this.threads.awaitTermination(30, TimeUnit.SECONDS)).as("the waiter gave up").isTrue();
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		lock.unlock();
		assertThat(lock.isLocked()).isFalse();
	}

	@Test
	void tryLockOfAPlainLockItsThreadHoldsReturnsFalse() {
		ProcessLock lock = this.shared.lock(false);
		lock.lock();
		assertThat(lock.tryLock()).isFalse();
		lock.unlock();
	}

}

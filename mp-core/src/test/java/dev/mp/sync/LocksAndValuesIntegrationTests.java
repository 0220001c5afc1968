package dev.mp.sync;

import java.io.Serializable;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Locks and shared values between real child JVMs: the child's lock is the parent's lock, a write in one process is
 * seen in the others, and a process that dies holding the lock does not stop the rest.
 */
@ExtendWith(NoChildProcessesLeft.class)
class LocksAndValuesIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void fourProcessesIncrementingUnderTheLockWithAPlainReadThenWriteCountExactly() throws Exception {
		Counter counter = new Counter(this.template.lock(), this.template.sharedLong(0));
		List<ManagedProcess> processes = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			processes.add(this.template.process(LocksAndValuesIntegrationTests::addTenThousand, counter).start());
		}
		for (ManagedProcess process : processes) {
			process.join();
			assertThat(process.exitCode()).hasValue(0);
		}
		assertThat(counter.value().get()).isEqualTo(40_000);
	}

	static void addTenThousand(Counter counter) {
		for (int i = 0; i < 10_000; i++) {
			counter.lock().lock();
			try {
				long read = counter.value().get();
				Thread.onSpinWait(); // widen the window a lost update would need
				counter.value().set(read + 1);
			}
			finally {
				counter.lock().unlock();
			}
		}
	}

	@Test
	void poolTasksShareTheSameObjects() throws Exception {
		Counter counter = new Counter(this.template.lock(), this.template.sharedLong(0));
		ProcessPool pool = this.template.pool("sync", PoolOptions.builder().size(2).build());
		List<CompletableFuture<Long>> tasks = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			tasks.add(pool.submit(() -> {
				addTenThousand(counter);
				return ProcessHandle.current().pid();
			}));
		}
		for (CompletableFuture<Long> task : tasks) {
			assertThat(task.get(60, TimeUnit.SECONDS)).isNotEqualTo(ProcessHandle.current().pid());
		}
		assertThat(counter.value().get()).isEqualTo(40_000);
	}

	@Test
	void whileAChildHoldsTheLockNoOtherProcessGetsItAndOnceReleasedTheyDo() throws Exception {
		Holding holding = new Holding(this.template.lock(), this.template.event(), this.template.event(),
				this.template.sharedInt(-1));
		ManagedProcess holder = this.template.process(LocksAndValuesIntegrationTests::holdUntilReleased, holding)
			.start();
		assertThat(holding.held().await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(holding.lock().ownerPid()).isEqualTo(holder.pid());

		long start = System.nanoTime();
		assertThat(holding.lock().tryLock(100, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
		ManagedProcess other = this.template.process(LocksAndValuesIntegrationTests::tryForAMoment, holding).start();
		other.join();
		assertThat(holding.otherGotIt().get()).as("another process got the held lock").isZero();

		holding.release().set();
		holder.join();
		assertThat(holding.lock().tryLock(100, TimeUnit.MILLISECONDS)).isTrue();
		holding.lock().unlock();
		ManagedProcess after = this.template.process(LocksAndValuesIntegrationTests::tryForAMoment, holding).start();
		after.join();
		assertThat(holding.otherGotIt().get()).as("another process got the released lock").isOne();
	}

	static void holdUntilReleased(Holding holding) throws InterruptedException {
		holding.lock().lock();
		try {
			holding.held().set();
			holding.release().await(60, TimeUnit.SECONDS);
		}
		finally {
			holding.lock().unlock();
		}
	}

	static void tryForAMoment(Holding holding) throws InterruptedException {
		boolean got = holding.lock().tryLock(100, TimeUnit.MILLISECONDS);
		holding.otherGotIt().set(got ? 1 : 0);
		if (got) {
			holding.lock().unlock();
		}
	}

	@Test
	void theParentSeesAChildsWritesWhileTheChildRuns() throws Exception {
		Holding holding = new Holding(this.template.lock(), this.template.event(), this.template.event(),
				this.template.sharedInt(0));
		SharedDoubleArray doubles = this.template.sharedDoubleArray(3);
		ManagedProcess writer = this.template.process((Holding h) -> {
			doubles.set(2, 2.5);
			h.otherGotIt().set(42);
			h.release().await(60, TimeUnit.SECONDS);
		}, holding).start();
		await().atMost(Duration.ofSeconds(30)).until(() -> holding.otherGotIt().get() == 42);
		assertThat(doubles.toArray()).containsExactly(0, 0, 2.5);
		assertThat(writer.isAlive()).isTrue();
		holding.release().set();
		writer.join();
		assertThat(writer.exitCode()).hasValue(0);
	}

	@Test
	void aProcessKilledHoldingTheLockOrPermitsDoesNotBlockTheOthers() throws Exception {
		Holding holding = new Holding(this.template.lock(), this.template.event(), this.template.event(),
				this.template.sharedInt(0));
		ProcessSemaphore permits = this.template.boundedSemaphore(2);
		ManagedProcess holder = this.template.process((Holding h) -> {
			permits.acquire(2);
			holdUntilReleased(h);
		}, holding).start();
		assertThat(holding.held().await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(permits.availablePermits()).isZero();
		holder.kill();
		holder.join();

		long start = System.nanoTime();
		assertThat(holding.lock().tryLock(5, TimeUnit.SECONDS)).as("lock taken over from the dead owner").isTrue();
		assertThat(permits.tryAcquire(2, 5, TimeUnit.SECONDS)).as("permits returned by the dead holder").isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(holding.lock().ownerDeaths()).isOne();
		assertThat(permits.recoveredPermits()).isEqualTo(2);
		holding.lock().unlock();
		permits.release(2);
	}

	@Test
	void misuseIsRefusedWithAClearMessage() throws Exception {
		ProcessLock plain = this.template.lock();
		plain.lock();
		assertThatIllegalStateException().isThrownBy(plain::lock).withMessageContaining("not reentrant");
		plain.unlock();
		assertThatThrownBy(plain::unlock).isInstanceOf(IllegalMonitorStateException.class)
			.hasMessageContaining("not held by this thread");

		ProcessLock reentrant = this.template.reentrantLock();
		reentrant.lock();
		reentrant.lock();
		reentrant.unlock();
		assertThat(reentrant.isHeldByCurrentThread()).isTrue();
		reentrant.unlock();
		assertThat(reentrant.isLocked()).isFalse();

		ProcessSemaphore bounded = this.template.boundedSemaphore(1);
		assertThatIllegalStateException().isThrownBy(bounded::release).withMessageContaining("released too many");
		ProcessSemaphore unbounded = this.template.semaphore(1);
		unbounded.release();
		assertThat(unbounded.availablePermits()).isEqualTo(2);
	}

	@Test
	void closingTheTemplateRemovesEveryFileAndAClosedObjectCannotBeSent() throws Exception {
		try (ProcessTemplate own = new ProcessTemplate()) {
			SharedLong value = own.sharedLong(7);
			var directory = java.nio.file.Path.of(value.file()).getParent();
			assertThat(directory).exists();
			value.close();
			assertThatThrownBy(() -> own.process((SharedLong v) -> v.get(), value).start())
				.hasMessageContaining("long-1 is closed");
			own.close();
			assertThat(Files.exists(directory)).isFalse();
		}
	}

	record Counter(ProcessLock lock, SharedLong value) implements Serializable {
	}

	record Holding(ProcessLock lock, ProcessEvent held, ProcessEvent release, SharedInt otherGotIt)
			implements Serializable {
	}

}

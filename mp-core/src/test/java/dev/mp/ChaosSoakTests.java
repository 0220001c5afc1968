package dev.mp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of calls on a pool while a killer thread SIGKILLs random workers: every call ends exactly once, with
 * its result or with the crash of its worker; nothing hangs; nothing is left. Runs only in the {@code soak} profile
 * ({@code mvn -B -pl mp-core -Psoak verify}); {@code -Dmp.soak.calls=N} sets the number of calls.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ChaosSoakTests {

	@Test
	void everyCallHasExactlyOneOutcomeWhileWorkersAreKilled() throws Exception {
		int calls = Integer.getInteger("mp.soak.calls", 5000);
		AtomicBoolean soaking = new AtomicBoolean(true);
		AtomicInteger kills = new AtomicInteger();
		try (ProcessTemplate template = new ProcessTemplate()) {
			ProcessPool pool = template.pool("soak", PoolOptions.builder().size(4).minIdle(4).build());
			pool.whenWarm().get(120, TimeUnit.SECONDS);
			Thread killer = new Thread(() -> {
				Random random = new Random(42);
				while (soaking.get()) {
					List<ChildProcess> workers = pool.workers();
					if (!workers.isEmpty()) {
						workers.get(random.nextInt(workers.size())).kill();
						kills.incrementAndGet();
					}
					try {
						Thread.sleep(200 + random.nextInt(300));
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "chaos-killer");
			killer.start();
			List<CompletableFuture<Integer>> results = new ArrayList<>();
			List<AtomicInteger> outcomes = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				int item = i;
				AtomicInteger outcome = new AtomicInteger();
				outcomes.add(outcome);
				CompletableFuture<Integer> call = pool.submit(() -> {
					Thread.sleep(1);
					return item;
				});
				call.whenComplete((value, failure) -> outcome.incrementAndGet());
				results.add(call);
			}
			int succeeded = 0;
			int crashed = 0;
			for (int i = 0; i < calls; i++) {
				try {
					assertThat(results.get(i).get(5, TimeUnit.MINUTES)).isEqualTo(i);
					succeeded++;
				}
				catch (ExecutionException ex) {
					assertThat(ex.getCause()).isInstanceOf(ProcessDiedException.class);
					assertThat(((ProcessDiedException) ex.getCause()).signal()).hasValue(9);
					crashed++;
				}
			}
			soaking.set(false);
			killer.interrupt();
			killer.join();
			int finalSucceeded = succeeded;
			int finalCrashed = crashed;
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> outcomes.stream().allMatch((o) -> o.get() == 1));
			assertThat(outcomes).allSatisfy((o) -> assertThat(o.get()).as("outcomes of one call").isEqualTo(1));
			assertThat(finalSucceeded + finalCrashed).isEqualTo(calls);
			System.out.printf("soak: %d calls, %d succeeded, %d crashed with their worker, %d kills%n", calls,
					finalSucceeded, finalCrashed, kills.get());
			assertThat(kills.get()).isPositive();
			assertThat(finalSucceeded).isPositive();
		}
		assertThat(NoChildProcessesLeft.liveDescendants()).isEmpty();
	}

}

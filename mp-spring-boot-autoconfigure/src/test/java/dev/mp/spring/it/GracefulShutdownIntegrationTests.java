package dev.mp.spring.it;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mp.ChildProcess;
import dev.mp.ChildProcessException;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application context with a {@code @WorkerProcess(fresh = true)} call in flight: the call finishes within the grace
 * period; past it, the worker is terminated and the call fails saying so.
 */
@ExtendWith(NoChildProcessesLeft.class)
class GracefulShutdownIntegrationTests {

	@Test
	void aCallInFlightFinishesWithinTheGracePeriodBeforeTheContextCloses() throws Exception {
		ConfigurableApplicationContext context = start("20s");
		try (context) {
			WorkerServices workers = context.getBean(WorkerServices.class);
			CompletableFuture<Long> inFlight = workers.sleepThenPid(1500);
			long pid = running(context, inFlight);
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
			assertThat(inFlight).isCompletedWithValue(pid);
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		}
	}

	@Test
	void aCallStillRunningWhenTheGraceEndsIsStoppedAndFailsSayingSo() throws Exception {
		ConfigurableApplicationContext context = start("1s");
		try (context) {
			WorkerServices workers = context.getBean(WorkerServices.class);
			CompletableFuture<Long> overrunning = workers.sleepThenPid(60_000);
			long pid = running(context, overrunning);
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThatThrownBy(() -> overrunning.get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOf(ChildProcessException.class);
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		}
	}

	private static ConfigurableApplicationContext start(String gracePeriod) {
		return new SpringApplicationBuilder(WorkerTestApplication.class)
			.properties("mp.shutdown.grace-period=" + gracePeriod, "server.port=0")
			.run();
	}

	/** Waits until the call runs in its own JVM ({@code fresh = true}), and returns that JVM's pid. */
	private static long running(ConfigurableApplicationContext context, CompletableFuture<Long> call) {
		ProcessTemplate template = context.getBean(ProcessTemplate.class);
		ChildProcess child = await().atMost(Duration.ofSeconds(60))
			.until(() -> template.activeChildren()
				.stream()
				.filter((c) -> c.pool() == null && c.state() == ProcessState.RUNNING)
				.findFirst(), Optional::isPresent)
			.orElseThrow();
		assertThat(call).isNotDone();
		return child.pid();
	}

}

package dev.mp.sync;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link Wait#forAny}, as Python's {@code multiprocessing.connection.wait}, over real child JVMs, queues and pipes.
 */
@ExtendWith(NoChildProcessesLeft.class)
class WaitIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void returnsWhatIsReadyInTheOrderGivenAndNothingWhenTheTimeoutPasses() throws Exception {
		ProcessEvent release = this.template.event();
		ManagedProcess held = this.template.process((ProcessEvent event) -> event.await(), release).start();
		ManagedProcess quick = this.template.process(() -> {
		}).start();
		ProcessQueue<String> queue = this.template.queue();
		Pipe<String> pipe = this.template.pipe();
		CompletableFuture<String> future = new CompletableFuture<>();

		assertThat(Wait.forAny(List.of(held, quick, queue, pipe.first(), future), Duration.ofSeconds(30)))
			.containsExactly(quick);

		queue.put("message");
		pipe.second().send("hello");
		assertThat(Wait.forAny(List.of(held, queue, pipe.first(), future), Duration.ofSeconds(30)))
			.containsExactly(queue, pipe.first());

		long start = System.nanoTime();
		assertThat(Wait.forAny(List.of(held, future), Duration.ofMillis(200))).isEmpty();
		assertThat(System.nanoTime() - start).as("waited about the timeout")
			.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));

		release.set();
		assertThat(Wait.forAny(List.of(held, future), null)).containsExactly(held);
		future.complete("done");
		assertThat(Wait.forAny(List.of(future), null)).containsExactly(future);
	}

	@Test
	void refusesWhatCannotBeWaitedFor() {
		ManagedProcess notStarted = this.template.process(() -> {
		}).build();
		assertThatIllegalArgumentException().isThrownBy(() -> Wait.forAny(List.of(notStarted), Duration.ZERO))
			.withMessageContaining("not started");
		assertThatIllegalArgumentException().isThrownBy(() -> Wait.forAny(List.of("text"), Duration.ZERO))
			.withMessageContaining("java.lang.String");
	}

}

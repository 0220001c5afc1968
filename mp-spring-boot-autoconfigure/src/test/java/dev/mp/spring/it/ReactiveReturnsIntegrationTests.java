package dev.mp.spring.it;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.sync.ProcessEvent;
import dev.mp.sync.SharedLong;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @WorkerProcess} methods that return {@code Mono} and {@code Flux}, end to end: real worker JVMs booting this
 * test application, one worker in their pool so that a reused worker shows, and a cancel grace long enough that a
 * loaded machine does not turn a cancel into a kill.
 */
// registered before Spring's extension, so it checks after the context (and its workers) has closed
@ExtendWith(NoChildProcessesLeft.class)
@SpringBootTest(classes = WorkerTestApplication.class,
		properties = { "mp.pools.reactive.size=1", "mp.pools.reactive.cancel-grace=30s" })
@DirtiesContext
class ReactiveReturnsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final long PARENT_PID = ProcessHandle.current().pid();

	@Autowired
	private ReactiveServices services;

	@Autowired
	private ProcessTemplate template;

	@Test
	void aMonoCallsNothingUntilItsSubscription() {
		SharedLong calls = this.template.sharedLong(0);
		Mono<Long> pid = this.services.pid(calls);
		// a call sent at once would have run before this one, in the pool's only worker
		assertThat(this.services.pid(this.template.sharedLong(0)).block(WAIT)).isNotEqualTo(PARENT_PID);
		assertThat(calls.get()).isZero();
		StepVerifier.create(pid).expectNextMatches((worker) -> worker != PARENT_PID).expectComplete().verify(WAIT);
		assertThat(calls.get()).isOne();
	}

	@Test
	void aMonoFailsWithTheRemoteExceptionAndItsStack() {
		StepVerifier.create(this.services.fail("bad input"))
			.expectErrorSatisfies((failure) -> {
				assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("bad input");
				assertThat(failure.getStackTrace()).anySatisfy(
						(frame) -> assertThat(frame.getClassName()).startsWith(ReactiveServices.class.getName()));
			})
			.verify(WAIT);
	}

	@Test
	void cancellingAMonoInterruptsTheCallAndTheWorkerTakesTheNext() throws Exception {
		long worker = this.services.pid(this.template.sharedLong(0)).block(WAIT);
		ProcessEvent started = this.template.event();
		ProcessEvent interrupted = this.template.event();
		Disposable subscription = this.services.hang(started, this.template.event(), interrupted).subscribe();
		assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
		subscription.dispose();
		assertThat(interrupted.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(this.services.pid(this.template.sharedLong(0)).block(WAIT)).isEqualTo(worker);
	}

	@Test
	void aFluxDeliversElementsAsTheWorkerMakesThem() {
		ProcessEvent sawThird = this.template.event();
		// the worker waits before 4 until this test has seen 3: a Flux collected before delivery would never end
		StepVerifier.create(this.services.count(sawThird))
			.expectNext(1, 2, 3)
			.then(sawThird::set)
			.expectNext(4, 5)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void aFluxsWorkerStaysWithinTheWindowAndACancelFreesIt() {
		long worker = this.services.pid(this.template.sharedLong(0)).block(WAIT);
		SharedLong produced = this.template.sharedLong(0);
		int window = ProcessPool.DEFAULT_STREAM_WINDOW;
		StepVerifier.create(this.services.endless(produced), 1)
			.expectNext(1L)
			.then(() -> {
				await().atMost(WAIT).until(() -> produced.get() == window + 1);
				await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
					.until(() -> produced.get() == window + 1);
			})
			.thenRequest(2)
			.expectNext(2L, 3L)
			.then(() -> await().atMost(WAIT).until(() -> produced.get() == window + 3))
			.thenCancel()
			.verify(WAIT);
		// the worker's call was interrupted as it waited for room: the same worker takes the next call
		assertThat(this.services.pid(this.template.sharedLong(0)).block(WAIT)).isEqualTo(worker);
	}

	@Test
	void aFluxThatFailsMidStreamEndsWithTheRemoteException() {
		Flux<Integer> numbers = this.services.failAt(3);
		StepVerifier.create(numbers)
			.expectNext(1, 2)
			.expectErrorSatisfies((failure) -> {
				assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("no 3");
				assertThat(failure.getStackTrace()).anySatisfy(
						(frame) -> assertThat(frame.getClassName()).startsWith(ReactiveServices.class.getName()));
			})
			.verify(WAIT);
	}

}

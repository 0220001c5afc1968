package dev.mp;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import dev.mp.spi.CallObserver;
import dev.mp.test.NoChildProcessesLeft;
import dev.mp.test.ObservingBootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A template's call observer sees each call from the caller's side, with its pool and target, until its future
 * completes however it does; the entries it gives a call reach the worker's observer around the call's run, beside
 * the caller's MDC, and are gone after it.
 */
@ExtendWith(NoChildProcessesLeft.class)
class CallObserverIntegrationTests {

	private final Recording observer = new Recording();

	private final ProcessOptions observing = ProcessOptions.builder().bootstrapMode(ObservingBootstrap.MODE).build();

	private final ProcessTemplate template = ProcessTemplate.builder()
		.callObserver(this.observer)
		.defaults(this.observing)
		.build();

	@AfterEach
	void close() {
		MDC.clear();
		this.template.close();
	}

	@Test
	void aPoolTaskIsObservedFromSubmitToItsAnswerAndItsEntriesReachTheWorkersScope() throws Exception {
		ProcessPool pool = this.template.pool("observed", pool());
		MDC.put("requestId", "r-1");
		List<String> seen = pool.submit(() -> List.of(String.valueOf(MDC.get("observed.call")),
				String.valueOf(MDC.get("requestId")), String.valueOf(MDC.get("observed.description"))))
			.get(60, TimeUnit.SECONDS);
		assertThat(seen.get(0)).isEqualTo("call-1");
		assertThat(seen.get(1)).isEqualTo("r-1");
		assertThat(seen.get(2)).startsWith("task " + CallObserverIntegrationTests.class.getName());
		Call call = this.observer.awaitStopped(0);
		assertThat(call.info).isEqualTo(new CallObserver.CallInfo("observed", getClass().getName(), false));
		assertThat(call.failure).isNull();
		// the scope was closed: a call without entries sees none of them
		MDC.clear();
		this.observer.entries = false;
		assertThat(pool.submit(() -> String.valueOf(MDC.get("observed.call"))).get(60, TimeUnit.SECONDS))
			.isEqualTo("null");
	}

	@Test
	void aFailedTimedOutOrCancelledCallEndsItsObservationWithWhy() throws Exception {
		ProcessPool pool = this.template.pool("failing", PoolOptions.builder()
			.size(1)
			.taskTimeout(Duration.ofSeconds(2))
			.processOptions(this.observing)
			.build());
		CompletableFuture<Object> failed = pool.submit(() -> {
			throw new IllegalStateException("no");
		});
		assertThatThrownBy(() -> failed.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
		assertThat(this.observer.awaitStopped(0).failure).isInstanceOf(IllegalStateException.class);
		CompletableFuture<Object> slow = pool.submit(() -> {
			Thread.sleep(60_000);
			return null;
		});
		assertThatThrownBy(() -> slow.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(TaskTimeoutException.class);
		assertThat(this.observer.awaitStopped(1).failure).isInstanceOf(TaskTimeoutException.class);
		CompletableFuture<Object> cancelled = pool.submit(() -> {
			Thread.sleep(60_000);
			return null;
		});
		cancelled.cancel(true);
		assertThat(this.observer.awaitStopped(2).failure).isInstanceOf(CancellationException.class);
	}

	@Test
	void aFreshTaskAndAProcessAreObservedWithoutAPool() throws Exception {
		assertThat(this.template.submit(() -> MDC.get("observed.call")).get(60, TimeUnit.SECONDS)).isEqualTo("call-1");
		assertThat(this.observer.awaitStopped(0).info)
			.isEqualTo(new CallObserver.CallInfo(null, getClass().getName(), false));
		ManagedProcess process = this.template.process(() -> {
			if (!"call-2".equals(MDC.get("observed.call"))) {
				System.exit(3);
			}
		}).start();
		process.join();
		assertThat(process.exitCode()).hasValue(0);
		assertThat(this.observer.awaitStopped(1).info.pool()).isNull();
	}

	@Test
	void theEntriesCrossWithAMapsChunksNamedAfterItsFunction() {
		ProcessPool pool = this.template.pool("mapped", pool());
		List<String> seen = pool.map((Integer i) -> i + " " + MDC.get("observed.call"), List.of(1, 2), 1);
		assertThat(seen).containsExactly("1 call-1", "2 call-2");
		assertThat(this.observer.awaitStopped(1).info.target()).isEqualTo(getClass().getName());
	}

	@Test
	void anObserverThatThrowsInTheParentNeitherFailsACallNorStopsItsWorker() throws Exception {
		ProcessPool pool = this.template.pool("throwing", pool());
		this.observer.failStart = true;
		assertThat(pool.submit(() -> String.valueOf(MDC.get("observed.call"))).get(60, TimeUnit.SECONDS))
			.isEqualTo("null");
		assertThat(this.template.submit(() -> "fresh").get(60, TimeUnit.SECONDS)).isEqualTo("fresh");
		this.observer.failStart = false;
		this.observer.failStop = true;
		long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
		assertThat(this.observer.awaitStopped(0).failure).isNull();
		// the reader that stopped the observation reads the next answer too, from the same worker
		assertThat(pool.submit(() -> MDC.get("observed.call") + " " + ProcessHandle.current().pid())
			.get(60, TimeUnit.SECONDS)).isEqualTo("call-2 " + pid);
	}

	@Test
	void aWorkersObserverThatThrowsLeavesTheCallsOutcomeAsItWas() throws Exception {
		ProcessPool pool = this.template.pool("throwing-worker", pool());
		this.observer.extra = Map.of(ObservingBootstrap.FAIL, "open");
		assertThat(pool.submit(() -> "ran " + MDC.get("observed.call")).get(60, TimeUnit.SECONDS))
			.isEqualTo("ran null");
		this.observer.extra = Map.of(ObservingBootstrap.FAIL, "close");
		assertThat(pool.submit(() -> "ran " + MDC.get("observed.call")).get(60, TimeUnit.SECONDS))
			.isEqualTo("ran call-2");
		CompletableFuture<Object> failed = pool.submit(() -> {
			throw new IllegalStateException("the task's own");
		});
		assertThatThrownBy(() -> failed.get(60, TimeUnit.SECONDS)).hasRootCauseMessage("the task's own");
	}

	private PoolOptions pool() {
		return PoolOptions.builder().size(1).processOptions(this.observing).build();
	}

	/** Gives each call an entry {@code call=call-<n>} and keeps what it was told. */
	private static final class Recording implements CallObserver {

		private final AtomicInteger count = new AtomicInteger();

		private final List<Call> calls = new CopyOnWriteArrayList<>();

		volatile boolean entries = true;

		/** Entries given to each call besides its number. */
		volatile Map<String, String> extra = Map.of();

		volatile boolean failStart;

		volatile boolean failStop;

		@Override
		public Observed start(CallInfo info) {
			if (this.failStart) {
				throw new IllegalStateException("start failed");
			}
			Map<String, String> entries = new HashMap<>(this.extra);
			if (this.entries) {
				entries.put("call", "call-" + this.count.incrementAndGet());
			}
			Call call = new Call(info, entries, this.failStop);
			this.calls.add(call);
			return call;
		}

		@Override
		public Scope open(String description, Map<String, String> entries) {
			throw new UnsupportedOperationException("the parent runs no calls");
		}

		Call awaitStopped(int index) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.calls.size() > index && this.calls.get(index).stopped);
			return this.calls.get(index);
		}

	}

	private static final class Call implements CallObserver.Observed {

		final CallObserver.CallInfo info;

		private final Map<String, String> entries;

		volatile boolean stopped;

		volatile @Nullable Throwable failure;

		private final boolean failStop;

		Call(CallObserver.CallInfo info, Map<String, String> entries, boolean failStop) {
			this.info = info;
			this.entries = entries;
			this.failStop = failStop;
		}

		@Override
		public Map<String, String> entries() {
			return this.entries;
		}

		@Override
		public void stop(@Nullable Throwable failure) {
			this.failure = failure;
			this.stopped = true;
			if (this.failStop) {
				throw new IllegalStateException("stop failed");
			}
		}

	}

}

package dev.mp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.sync.ProcessEvent;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a worker tells its parent unasked, from real child JVMs: its JVM's facts, pushed while a call keeps it busy,
 * and a call's progress, heard by the caller in order, the last report included, however fast the task reports.
 */
@ExtendWith(NoChildProcessesLeft.class)
class WorkerReportsIntegrationTests {

	private final ProcessTemplate template = ProcessTemplate.builder()
		.jvmFactsInterval(Duration.ofMillis(200))
		.build();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aBusyWorkerPushesPlausibleFactsOfItsJvm() throws Exception {
		ProcessPool pool = this.template.pool("facts",
				PoolOptions.builder()
					.size(1)
					.processOptions(ProcessOptions.builder().maxHeap("96m").build())
					.build());
		ProcessEvent release = this.template.event();
		CompletableFuture<Long> busy = pool.submit(() -> {
			release.await();
			return Runtime.getRuntime().maxMemory();
		});
		ChildProcess worker = await().atMost(Duration.ofSeconds(60))
			.until(() -> pool.workers().stream().filter((child) -> child.state() == ProcessState.BUSY).findFirst(),
					java.util.Optional::isPresent)
			.orElseThrow();
		JvmFacts first = await().atMost(Duration.ofSeconds(10)).until(worker::jvm, java.util.Optional::isPresent)
			.orElseThrow();
		JvmFacts later = await().atMost(Duration.ofSeconds(10))
			.until(worker::jvm, (facts) -> facts.orElseThrow().uptime().compareTo(first.uptime()) > 0)
			.orElseThrow();
		assertThat(worker.state()).isEqualTo(ProcessState.BUSY);
		assertThat(later.sampledAt()).isAfter(first.sampledAt());
		assertThat(later.heapMax()).isEqualTo(96L * 1024 * 1024);
		assertThat(later.heapUsed()).isPositive().isLessThanOrEqualTo(later.heapCommitted());
		assertThat(later.heapCommitted()).isLessThanOrEqualTo(later.heapMax());
		assertThat(later.threads()).isPositive();
		assertThat(later.loadedClasses()).isGreaterThan(500);
		assertThat(later.gcCount()).isNotNegative();
		assertThat(later.gcTime().isNegative()).isFalse();
		assertThat(later.contextUptime()).isNull();
		release.set();
		assertThat(busy.get(30, TimeUnit.SECONDS)).isPositive();
	}

	@Test
	void noFactsComeWhenTheIntervalIsZero() throws Exception {
		try (ProcessTemplate quiet = ProcessTemplate.builder().jvmFactsInterval(Duration.ZERO).build();
				ProcessTemplate usual = new ProcessTemplate()) {
			ProcessPool pool = quiet.pool("quiet", PoolOptions.builder().size(1).build());
			pool.whenWarm().get(60, TimeUnit.SECONDS);
			// the first facts come a second after the connection at the latest: once a worker of the default
			// interval that connected later has told its own, this one has had the time to tell its first too
			ProcessPool telling = usual.pool("telling", PoolOptions.builder().size(1).build());
			telling.whenWarm().get(60, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> telling.workers().get(0).jvm().isPresent());
			assertThat(pool.workers().get(0).jvm()).isEmpty();
		}
	}

	@Test
	void theCallerHearsProgressInOrderWithTheLastReportAndATightLoopIsRateLimited() throws Exception {
		ProcessPool pool = this.template.pool("progress", PoolOptions.builder().size(1).build());
		pool.whenWarm().get(60, TimeUnit.SECONDS);
		List<Progress> heard = new CopyOnWriteArrayList<>();
		long loops = 2_000_000;
		TaskFuture<Long> task = TaskFuture.of(pool.submit(() -> {
			long start = System.nanoTime();
			for (long i = 1; i <= loops; i++) {
				CurrentProcess.progress(i, loops, "step " + i);
			}
			return System.nanoTime() - start;
		}));
		task.onProgress(heard::add);
		long nanos = task.get(60, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).done() == loops);
		Progress last = heard.get(heard.size() - 1);
		assertThat(last).isEqualTo(new Progress(loops, loops, "step " + loops));
		assertThat(task.progress()).contains(last);
		assertThat(heard).extracting(Progress::done).isSorted().doesNotHaveDuplicates();
		// at most one frame per 100 ms of the loop, and the last
		assertThat(heard.size()).isLessThanOrEqualTo((int) (nanos / 100_000_000L) + 2);
		assertThat(pool.workers().get(0).progress()).isEmpty();
	}

	@Test
	void progressOfASlowTaskComesWhileItRunsAndReachesTheWorkersView() throws Exception {
		ProcessPool pool = this.template.pool("slow", PoolOptions.builder().size(1).build());
		ProcessEvent release = this.template.event();
		List<Progress> heard = new CopyOnWriteArrayList<>();
		TaskFuture<String> task = TaskFuture.of(pool.submit(() -> {
			CurrentProcess.progress(1, 3, "first");
			// sooner than the gap after the first: kept, and sent by the worker's own thread
			CurrentProcess.progress(2, 3, "second");
			release.await();
			CurrentProcess.progress(3, 3, "done");
			return "ok";
		})).onProgress(heard::add);
		await().atMost(Duration.ofSeconds(60)).until(() -> heard.contains(new Progress(2, 3, "second")));
		ChildProcess worker = pool.workers().get(0);
		assertThat(worker.state()).isEqualTo(ProcessState.BUSY);
		assertThat(worker.progress()).contains(new Progress(2, 3, "second"));
		assertThat(task.isDone()).isFalse();
		release.set();
		assertThat(task.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
		await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(new Progress(3, 3, "done")));
		assertThat(heard).extracting(Progress::done).isSorted();
		assertThat(worker.progress()).isEmpty();
	}

	@Test
	void aSingleCallReportsProgressToo() throws Exception {
		List<Progress> heard = new CopyOnWriteArrayList<>();
		TaskFuture<Integer> task = TaskFuture.of(this.template.submit(() -> {
			CurrentProcess.progress(5, 0, null);
			return 5;
		})).onProgress(heard::add);
		assertThat(task.get(60, TimeUnit.SECONDS)).isEqualTo(5);
		await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(new Progress(5, 0, null)));
	}

	@Test
	void progressOutsideAChildDoesNothing() {
		CurrentProcess.progress(1, 2, "here");
		assertThat(new Progress(1, 4, null).fraction()).isEqualTo(0.25);
		assertThat(new Progress(1, 0, null).fraction()).isEqualTo(-1);
	}

}

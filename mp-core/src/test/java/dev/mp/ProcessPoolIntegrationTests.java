package dev.mp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.spi.BeanCall;
import dev.mp.sync.ProcessEvent;
import dev.mp.sync.SharedInt;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pools of warm workers on real child JVMs: reuse, recycling, initializer, map variants, crashes under load,
 * timeouts, cancellation, start failures and idle workers.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ProcessPoolIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	private ProcessPool pool(int size, PoolOptions.Builder options) {
		return this.template.pool("test", options.size(size).build());
	}

	static long pid() {
		return ProcessHandle.current().pid();
	}

	@Test
	void workersAreReusedAndStayWithinTheSize() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder());
		List<CompletableFuture<Long>> pids = IntStream.range(0, 20)
			.mapToObj((i) -> pool.submit(ProcessPoolIntegrationTests::pid))
			.toList();
		Set<Long> distinct = new HashSet<>();
		for (CompletableFuture<Long> pid : pids) {
			distinct.add(pid.get(60, TimeUnit.SECONDS));
		}
		assertThat(distinct).hasSizeBetween(1, 2).doesNotContain(pid());
		assertThat(pool.workers()).hasSizeLessThanOrEqualTo(2)
			.allSatisfy((w) -> assertThat(w.pool()).isEqualTo("test"));
		assertThat(pool.workers().stream().mapToLong(ChildProcess::tasksCompleted).sum()).isEqualTo(20);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.workers().stream().allMatch((w) -> w.state() == ProcessState.IDLE));
	}

	@Test
	void mapKeepsInputOrderAndTheOtherShapesGiveEveryResult() {
		ProcessPool pool = pool(2, PoolOptions.builder());
		List<Integer> items = IntStream.range(0, 1000).boxed().toList();
		List<Integer> expected = items.stream().map((i) -> i * i).toList();
		assertThat(pool.map((Integer i) -> i * i, items)).containsExactlyElementsOf(expected);
		assertThat(pool.map((Integer i) -> i * i, items, 7)).containsExactlyElementsOf(expected);
		assertThat(pool.map((Integer i) -> i * i, items.stream(), 100)).containsExactlyElementsOf(expected);
		assertThat(pool.imap((Integer i) -> i * i, items, 50).toList()).containsExactlyElementsOf(expected);
		assertThat(pool.imapUnordered((Integer i) -> i * i, items, 50).toList())
			.containsExactlyInAnyOrderElementsOf(expected);
		List<Map.Entry<Integer, String>> pairs = List.of(Map.entry(2, "a"), Map.entry(3, "b"));
		assertThat(pool.starmap((Integer n, String s) -> s.repeat(n), pairs)).containsExactly("aa", "bbb");
	}

	@Test
	void mapThrowsItsFirstFailureOnlyOnceEveryChunkHasFinishedAsPythonsDoes() {
		ProcessPool pool = pool(2, PoolOptions.builder());
		SharedInt finished = this.template.sharedInt(0);
		assertThatThrownBy(() -> pool.map((Integer i) -> {
			if (i == 0) {
				throw new IllegalArgumentException("item 0");
			}
			Thread.sleep(200);
			return finished.incrementAndGet();
		}, List.of(0, 1, 2, 3, 4, 5), 1)).hasRootCauseMessage("item 0");
		assertThat(finished.get()).as("chunks finished when the caller saw the failure").isEqualTo(5);
	}

	@Test
	void imapReadsItsInputLazilyWithABoundedNumberOfChunksInFlight() {
		ProcessPool pool = pool(2, PoolOptions.builder());
		AtomicInteger pulled = new AtomicInteger();
		Iterator<Integer> endless = Stream.iterate(0, (i) -> i + 1).peek((i) -> pulled.incrementAndGet()).iterator();
		List<Integer> first = pool.imap((Integer i) -> i * i, endless, 3).limit(10).toList();
		assertThat(first).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
		assertThat(pulled.get()).as("items read from an endless input: what was used and one window of chunks")
			.isLessThanOrEqualTo(12 + 2 * 2 * 3);
		List<Integer> unordered = pool.imapUnordered((Integer i) -> -i, IntStream.range(0, 100).boxed().iterator(), 7)
			.toList();
		assertThat(unordered).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).mapToObj((i) -> -i).toList());
		assertThat(pool.map((Integer i) -> i + 1, IntStream.range(0, 10_000).boxed(), 500))
			.containsExactlyElementsOf(IntStream.range(1, 10_001).boxed().toList());
	}

	@Test
	void anExceptionFromTheInputComesOutAtItsPlaceAndThePoolGoesOn() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder());
		Iterator<Integer> failing = Stream.iterate(0, (i) -> i + 1).map((i) -> {
			if (i == 5) {
				throw new IllegalStateException("input broke at 5");
			}
			return i;
		}).iterator();
		Iterator<Integer> results = pool.imap((Integer i) -> i * 10, failing, 2).iterator();
		List<Integer> before = new ArrayList<>();
		assertThatThrownBy(() -> results.forEachRemaining(before::add)).isInstanceOf(CompletionException.class)
			.hasRootCauseMessage("input broke at 5");
		assertThat(before).containsExactly(0, 10, 20, 30, 40);
		assertThat(pool.submit(() -> "still here").get(60, TimeUnit.SECONDS)).isEqualTo("still here");
	}

	@Test
	void mapAndInvokeAllWithATimeoutCancelWhatIsNotDoneAndFreeTheWorkers() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder().cancelGrace(Duration.ofMillis(200)));
		long start = System.nanoTime();
		assertThatThrownBy(() -> pool.map((Integer i) -> {
			if (i == 1) {
				Thread.sleep(60_000);
			}
			return i;
		}, List.of(0, 1, 2), 1, Duration.ofMillis(500))).isInstanceOf(TimeoutException.class)
			.hasMessageContaining("cancelled");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

		List<Future<Integer>> both = pool.invokeAll(List.<SerializableCallable<Integer>>of(() -> 7, () -> {
			Thread.sleep(60_000);
			return 8;
		}), Duration.ofSeconds(5));
		assertThat(both.get(0).get()).isEqualTo(7);
		assertThat(both.get(1).isCancelled()).isTrue();
		assertThat(pool.submit(() -> "free again").get(30, TimeUnit.SECONDS)).isEqualTo("free again");
	}

	@Test
	void imapWithATimeoutEndsAtTheLateResultAndCancelsTheRest() {
		ProcessPool pool = pool(2, PoolOptions.builder().cancelGrace(Duration.ofMillis(200)));
		List<Integer> seen = new ArrayList<>();
		assertThatThrownBy(() -> pool.imap((Integer i) -> {
			if (i == 2) {
				Thread.sleep(60_000);
			}
			return i;
		}, List.of(0, 1, 2, 3), 1, Duration.ofSeconds(2)).forEachOrdered(seen::add))
			.isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(TimeoutException.class);
		assertThat(seen).containsExactly(0, 1);
		assertThat(pool.imapUnordered((Integer i) -> i, Stream.of(5, 6), 1).toList()).containsExactlyInAnyOrder(5, 6);
	}

	@Test
	void aFailingItemFailsTheMap() {
		ProcessPool pool = pool(2, PoolOptions.builder());
		assertThatThrownBy(() -> pool.map((Integer i) -> 10 / i, List.of(1, 2, 0, 4), 1))
			.hasRootCauseInstanceOf(ArithmeticException.class);
	}

	@Test
	void whatACallerChainsToAFutureRunsOffTheReaderThread() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		CompletableFuture<Integer> call = pool.submit(() -> 1);
		call.get(60, TimeUnit.SECONDS);
		String before = call.thenApply((value) -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
		CompletableFuture<Integer> later = pool.submit(() -> {
			Thread.sleep(200);
			return 2;
		});
		String chained = later.thenApply((value) -> Thread.currentThread().getName()).get(60, TimeUnit.SECONDS);
		assertThat(List.of(before, chained)).noneMatch((name) -> name.startsWith("mp-reader"));
	}

	@Test
	void invokeAllWaitsForEveryTask() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder());
		List<SerializableCallable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3);
		List<java.util.concurrent.Future<Integer>> done = pool.invokeAll(tasks);
		assertThat(done).allSatisfy((f) -> assertThat(f.isDone()).isTrue());
		assertThat(done.get(2).get()).isEqualTo(3);
	}

	@Test
	void listenersHearTaskOutcomesWorkerStartsAndDeaths() throws Exception {
		List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
		PoolListener recorder = new PoolListener() {

			@Override
			public void taskEnded(String pool, Duration queued, Duration ran, TaskOutcome outcome) {
				events.add("task " + pool + " " + outcome);
			}

			@Override
			public void workerStarted(String pool, Duration startup) {
				events.add("started " + pool);
			}

			@Override
			public void workerDied(String pool, String cause) {
				events.add("died " + pool + " " + cause);
			}

		};
		try (ProcessTemplate listened = ProcessTemplate.builder().listener(recorder).build()) {
			ProcessPool pool = listened.pool("heard", PoolOptions.builder().size(1).build());
			pool.submit(() -> 1).get(60, TimeUnit.SECONDS);
			assertThatThrownBy(() -> pool.submit(() -> {
				throw new IllegalStateException("no");
			}).get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
			assertThatThrownBy(() -> pool.submit(() -> {
				Runtime.getRuntime().halt(4);
				return null;
			}).get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(ProcessDiedException.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("died heard exit-4"));
			assertThat(events).contains("started heard", "task heard SUCCESS", "task heard FAILURE",
					"task heard CRASH");
		}
	}

	/**
	 * Back-to-back calls pass through the worker's shared-memory mailbox: the caller takes its own answer there (the
	 * pool hears the task end on the caller's thread, not on the socket's reader), nearly always (the first calls may
	 * come before the worker has mapped its mailbox), and every call gets its own answer. The mailbox goes with its
	 * worker.
	 */
	@Test
	void backToBackCallsTakeTheirAnswersFromTheMailbox() throws Exception {
		Map<String, Integer> endedOn = new ConcurrentHashMap<>();
		try (ProcessTemplate listened = ProcessTemplate.builder().listener(threadRecorder(endedOn)).build()) {
			// a long look, so that a loaded machine cannot make every answer miss it
			ProcessPool pool = listened.pool("spin",
					PoolOptions.builder().size(1).spinWait(Duration.ofMillis(20)).build());
			for (int i = 0; i < 300; i++) {
				int n = i;
				assertThat(pool.submit(() -> n * 2).get(60, TimeUnit.SECONDS)).isEqualTo(2 * n);
			}
			assertThat(endedOn.get(Thread.currentThread().getName())).isGreaterThan(270);
			Path directory = listened.runtime().sharedObjects().directory();
			assertThat(mailboxes(directory)).hasSize(1);
			pool.close();
			await().atMost(Duration.ofSeconds(30)).until(() -> mailboxes(directory).isEmpty());
		}
	}

	/**
	 * Calls and answers too large for the mailbox are staged in shared memory of their own, whatever form they
	 * travel in (compact or the codec's; result or failure) and whichever way, each path proven by the file it leaves;
	 * a larger one grows it. The files go with the worker.
	 */
	@Test
	void largeCallsAndAnswersAreStagedInSharedMemoryBothWays() throws Exception {
		byte[] large = new byte[300 * 1024];
		new Random(3).nextBytes(large);
		int[] numbers = new Random(4).ints(100_000).toArray();
		// a large compact call, a small plain answer
		assertThat(stagedOnly((pool) -> assertThat(pool.submit(() -> large.length).get(60, TimeUnit.SECONDS))
			.isEqualTo(large.length))).containsExactly("-down-1");
		// a large codec call
		assertThat(stagedOnly((pool) -> assertThat(pool.submit(() -> Arrays.stream(numbers).sum())
			.get(60, TimeUnit.SECONDS)).isEqualTo(Arrays.stream(numbers).sum()))).containsExactly("-down-1");
		// a large plain answer, a large codec answer, a large failure, to small calls
		assertThat(stagedOnly((pool) -> assertThat(pool.submit(() -> new byte[200_000]).get(60, TimeUnit.SECONDS))
			.hasSize(200_000))).containsExactly("-up-1");
		assertThat(stagedOnly((pool) -> assertThat(pool.submit(() -> new int[100_000]).get(60, TimeUnit.SECONDS))
			.hasSize(100_000))).containsExactly("-up-1");
		assertThat(stagedOnly((pool) -> assertThatThrownBy(() -> pool.submit(() -> {
			throw new IllegalStateException("x".repeat(200_000));
		}).get(60, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class)
			.hasMessage("x".repeat(200_000)))).containsExactly("-up-1");
		// both ways, many times over, then larger
		ProcessPool pool = pool(1, PoolOptions.builder().spinWait(Duration.ofMillis(20)));
		for (int i = 0; i < 20; i++) {
			assertThat(pool.submit(() -> large).get(60, TimeUnit.SECONDS)).isEqualTo(large);
			assertThat(pool.submit(() -> numbers).get(60, TimeUnit.SECONDS)).isEqualTo(numbers);
		}
		Path directory = this.template.runtime().sharedObjects().directory();
		assertThat(stagedFiles(directory)).containsExactlyInAnyOrder("-down-1", "-up-1");
		byte[] larger = new byte[3 << 20];
		new Random(5).nextBytes(larger);
		assertThat(pool.submit(() -> larger).get(60, TimeUnit.SECONDS)).isEqualTo(larger);
		assertThat(stagedFiles(directory)).containsExactlyInAnyOrder("-down-2", "-up-2");
		pool.close();
		await().atMost(Duration.ofSeconds(30)).until(() -> mailboxes(directory).isEmpty());
	}

	/**
	 * The staged files a fresh one-worker pool leaves after the given calls, by their suffix. A new worker maps its
	 * mailbox beside its start, and gets calls whole until it has: the calls are repeated until one is staged.
	 */
	private static List<String> stagedOnly(PoolCalls calls) throws Exception {
		try (ProcessTemplate own = new ProcessTemplate()) {
			ProcessPool pool = own.pool("staged", PoolOptions.builder().size(1).build());
			Path directory = own.runtime().sharedObjects().directory();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				calls.make(pool);
				return !stagedFiles(directory).isEmpty();
			});
			return stagedFiles(directory);
		}
	}

	@FunctionalInterface
	private interface PoolCalls {

		void make(ProcessPool pool) throws Exception;

	}

	private static List<String> stagedFiles(Path directory) throws IOException {
		return mailboxes(directory).stream()
			.map((file) -> file.getFileName().toString().replaceFirst("^mailbox-\\d+", ""))
			.filter((suffix) -> !suffix.isEmpty())
			.toList();
	}

	/**
	 * A caller whose thread has a pending interrupt (join() does not throw it) still sends its call over the socket
	 * (an interruptible channel, which the interrupt would close) and reads a staged answer (whose mapping would fail
	 * the same way): the flag is set aside meanwhile, and the worker stays.
	 */
	@Test
	void aCallerWithAPendingInterruptSendsAndReadsAndTheWorkerStays() throws Exception {
		try (ProcessTemplate own = new ProcessTemplate()) {
			ProcessPool socketOnly = own.pool("socket", PoolOptions.builder().size(1).spinWait(Duration.ZERO).build());
			long first = socketOnly.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
			Thread.currentThread().interrupt();
			try {
				assertThat(socketOnly.submit(ProcessPoolIntegrationTests::pid).join()).isEqualTo(first);
				assertThat(Thread.currentThread().isInterrupted()).isTrue();
			}
			finally {
				Thread.interrupted();
			}
		}
		ProcessPool pool = pool(1, PoolOptions.builder().spinWait(Duration.ofMillis(20)));
		long worker = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		byte[] large = new byte[300 * 1024];
		new Random(6).nextBytes(large);
		// until the worker has its mailbox (a large call is staged), with small answers: the first staged answer,
		// and the mapping of its file, come with the interrupt pending
		Path directory = this.template.runtime().sharedObjects().directory();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			assertThat(pool.submit(() -> large.length).get(60, TimeUnit.SECONDS)).isEqualTo(large.length);
			return stagedFiles(directory).contains("-down-1");
		});
		assertThat(stagedFiles(directory)).doesNotContain("-up-1");
		Thread.currentThread().interrupt();
		try {
			assertThat(pool.submit(() -> large).join()).isEqualTo(large);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(stagedFiles(directory)).contains("-up-1");
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isEqualTo(worker);
	}

	/**
	 * A task that waits for a worker runs with the arrays it captured as they were when it was submitted, as JDK
	 * serialization would have had them: changes the caller makes meanwhile do not reach it.
	 */
	@Test
	void aQueuedTaskRunsWithItsCapturedArrayAsItWasWhenSubmitted() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		ProcessEvent release = this.template.event();
		ProcessEvent running = this.template.event();
		CompletableFuture<Object> busy = pool.submit(() -> {
			running.set();
			release.await();
			return null;
		});
		assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
		byte[] data = new byte[300 * 1024];
		data[0] = 1;
		CompletableFuture<Byte> queued = pool.submit(() -> data[0]);
		data[0] = 99;
		release.set();
		busy.get(60, TimeUnit.SECONDS);
		assertThat(queued.get(60, TimeUnit.SECONDS)).isEqualTo((byte) 1);
	}

	@Test
	void aFullQueueRejectsASubmitWhileMapAndInvokeAllWaitForRoom() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().maxQueued(1));
		ProcessEvent release = this.template.event();
		ProcessEvent running = this.template.event();
		CompletableFuture<Object> busy = pool.submit(() -> {
			running.set();
			release.await();
			return null;
		});
		assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Integer> queued = pool.submit(() -> 2);
		assertThatThrownBy(() -> pool.submit(() -> 3)).isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("Pool 'test'")
			.hasMessageContaining("(max-queued: 1)")
			.hasMessageContaining("queue-full-policy=wait");
		release.set();
		busy.get(60, TimeUnit.SECONDS);
		assertThat(queued.get(60, TimeUnit.SECONDS)).isEqualTo(2);
		List<Integer> items = IntStream.range(0, 20).boxed().toList();
		List<Integer> squares = items.stream().map((i) -> i * i).toList();
		assertThat(pool.map((Integer i) -> i * i, items, 1)).containsExactlyElementsOf(squares);
		assertThat(pool.map((Integer i) -> i * i, items, 1, Duration.ofSeconds(60))).containsExactlyElementsOf(squares);
		assertThat(pool.imap((Integer i) -> i * i, items.iterator(), 1).toList()).containsExactlyElementsOf(squares);
		List<Future<Integer>> all = pool.invokeAll(List.<SerializableCallable<Integer>>of(() -> 1, () -> 2, () -> 3));
		assertThat(all.get(2).get()).isEqualTo(3);
	}

	@Test
	void withoutSpinWaitThereIsNoMailbox() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().spinWait(Duration.ZERO));
		for (int i = 0; i < 50; i++) {
			int n = i;
			assertThat(pool.submit(() -> n + 1).get(60, TimeUnit.SECONDS)).isEqualTo(n + 1);
		}
		assertThat(mailboxes(this.template.runtime().sharedObjects().directory())).isEmpty();
	}

	/**
	 * A caller that has its answer finds the worker free: a task submitted right after is given to it at once, not
	 * queued behind the pool's bookkeeping of the last one (which would also keep it from looking at the mailbox).
	 * Answers come over the socket here, on the reader thread, where the two raced: this saw a queued task within a
	 * dozen calls before the worker was freed first.
	 */
	@Test
	void aWorkerIsFreeOnceItsCallerHasTheAnswer() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().spinWait(Duration.ZERO));
		CompletableFuture<Integer> previous = pool.submit(() -> 0);
		for (int i = 1; i <= 500; i++) {
			int n = i;
			assertThat(previous.get(60, TimeUnit.SECONDS)).isEqualTo(n - 1);
			previous = pool.submit(() -> n);
			assertThat(pool.queued()).as("tasks queued right after answer %d", n - 1).isZero();
		}
		assertThat(previous.get(60, TimeUnit.SECONDS)).isEqualTo(500);
	}

	/**
	 * A call the worker cannot resolve (here: a bean in a plain worker) fails with {@link WorkerSetupException}, and
	 * the worker, alive and well, serves the next task: it used to be left out of the idle list for good, so that as
	 * many such calls as the pool's size left every later task waiting.
	 */
	@Test
	void aWorkerThatCouldNotResolveACallServesTheNextTask() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
		for (int i = 0; i < 3; i++) {
			CompletableFuture<Object> call = pool.invoke(new BeanCall("reports", String.class,
					String.class.getMethod("length"), new Object[0]));
			assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS)).cause()
				.isInstanceOf(WorkerSetupException.class)
				.hasMessageContaining("A plain worker has no beans");
		}
		assertThat(pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS)).isEqualTo(pid);
	}

	/** Whether a worker died is its process's state, not the type of what a task threw: this one throws mp's own. */
	@Test
	void aTaskThatThrowsProcessDiedExceptionItselfKeepsItsWorker() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> failing = pool.submit(() -> {
			throw new ProcessDiedException("a child of the task died", "grandchild", 42, List.of("java"), 3,
					List.of());
		});
		assertThatThrownBy(() -> failing.get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessDiedException.class)
			.hasMessageContaining("a child of the task died");
		assertThat(pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS)).isEqualTo(pid);
	}

	/**
	 * A worker whose process cannot even be created (no {@code java} where the options say) is a start failure like any
	 * other: the task gets it through its future, with the command, and the pool keeps its books.
	 */
	@Test
	void aWorkerThatCannotBeLaunchedFailsItsTaskThroughTheFuture(@org.junit.jupiter.api.io.TempDir Path noJava)
			throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder()
			.minIdle(0)
			.processOptions(ProcessOptions.builder().javaHome(noJava).classDataSharing(false).build()));
		CompletableFuture<Integer> task = pool.submit(() -> 1);
		assertThatThrownBy(() -> task.get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessStartException.class)
			.hasMessageContaining(noJava.toString());
		assertThat(pool.startFailure()).isPresent();
		assertThat(pool.queued()).isZero();
	}

	/** A caller looking at the mailbox stops as soon as the worker dies, long before its look would end. */
	@Test
	void aWorkerThatDiesWhileItsCallerLooksAtTheMailboxFailsTheCallAtOnce() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().spinWait(Duration.ofSeconds(60)));
		assertThat(pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).isEqualTo(1);
		long start = System.nanoTime();
		assertThatThrownBy(() -> pool.submit(() -> {
			Runtime.getRuntime().halt(6);
			return null;
		}).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class,
					(died) -> assertThat(died.exitCode()).hasValue(6));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(pool.submit(() -> 2).get(60, TimeUnit.SECONDS)).isEqualTo(2);
	}

	private static PoolListener threadRecorder(Map<String, Integer> threads) {
		return new PoolListener() {

			@Override
			public void taskEnded(String pool, Duration queued, Duration ran, TaskOutcome outcome) {
				threads.merge(Thread.currentThread().getName(), 1, Integer::sum);
			}

		};
	}

	private static List<Path> mailboxes(Path directory) throws IOException {
		try (var files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().startsWith("mailbox-")).toList();
		}
	}

	@Test
	void workersAreRecycledAfterMaxTasks() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().maxTasksPerWorker(2));
		List<Long> pids = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			pids.add(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS));
		}
		assertThat(pids.get(0)).isEqualTo(pids.get(1));
		assertThat(pids.get(2)).isEqualTo(pids.get(3)).isNotEqualTo(pids.get(1));
		assertThat(new HashSet<>(pids)).hasSize(3);
	}

	@Test
	void theInitializerRunsOncePerWorkerBeforeItsFirstTask() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder()
			.initializer(() -> System.setProperty("initialized", Long.toString(System.nanoTime()))));
		String first = pool.submit(() -> System.getProperty("initialized")).get(60, TimeUnit.SECONDS);
		String second = pool.submit(() -> System.getProperty("initialized")).get(60, TimeUnit.SECONDS);
		assertThat(first).isNotNull().isEqualTo(second);
	}

	static int maybeHalt(int i) {
		if (i % 10 == 3) {
			System.err.println("task " + i + " halts");
			Runtime.getRuntime().halt(7);
		}
		return i;
	}

	@Test
	void aDyingWorkerFailsOnlyItsOwnTaskUnderLoadAndIsReplaced() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder());
		List<CompletableFuture<Integer>> calls = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			int item = i;
			calls.add(pool.submit(() -> maybeHalt(item)));
		}
		int succeeded = 0;
		List<Integer> failedItems = new ArrayList<>();
		for (int i = 0; i < calls.size(); i++) {
			try {
				assertThat(calls.get(i).get(120, TimeUnit.SECONDS)).isEqualTo(i);
				succeeded++;
			}
			catch (ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOfSatisfying(ProcessDiedException.class, (died) -> {
					assertThat(died.exitCode()).hasValue(7);
					assertThat(died.outputTail()).anySatisfy((line) -> assertThat(line).endsWith("halts"));
				});
				failedItems.add(i);
			}
		}
		assertThat(failedItems).containsExactly(3, 13, 23, 33, 43, 53, 63, 73, 83, 93);
		assertThat(succeeded).isEqualTo(90);
		assertThat(pool.submit(() -> "still working").get(60, TimeUnit.SECONDS)).isEqualTo("still working");
		assertThat(pool.workers()).hasSizeLessThanOrEqualTo(2);
	}

	@Test
	void aWorkerKilledMidCallFailsItsCallWithinASecond() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		long pid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> sleeping = startSleeping(pool);
		long killed = System.nanoTime();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		assertThatThrownBy(() -> sleeping.get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class, (died) -> assertThat(died.signal()).hasValue(9));
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void anOutOfMemoryErrorUnderASmallHeapReachesTheCallerWithinASecondAndItsWorkerIsReplaced() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().processOptions(ProcessOptions.builder().maxHeap("48m").build()));
		long firstPid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		long submitted = System.nanoTime();
		assertThatThrownBy(() -> pool.submit(() -> new long[64 * 1024 * 1024].length).get(60, TimeUnit.SECONDS))
			.cause()
			.isInstanceOf(OutOfMemoryError.class)
			.hasMessageContaining("Java heap space");
		assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isLessThan(Duration.ofSeconds(1));
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).as("a new worker")
			.isNotEqualTo(firstPid);
	}

	@Test
	void aWorkerThatCallsSystemExitFailsItsCallWithinASecondOfExitingAndIsReplaced() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		long firstPid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		CompletableFuture<Long> exited = ProcessHandle.of(firstPid).orElseThrow().onExit()
			.thenApply((handle) -> System.nanoTime());
		CompletableFuture<Object> exiting = pool.submit(() -> {
			System.err.println("about to exit 5");
			System.exit(5);
			return null;
		});
		assertThatThrownBy(() -> exiting.get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class, (died) -> {
				assertThat(died.exitCode()).hasValue(5);
				assertThat(died.outputTail()).anySatisfy((line) -> assertThat(line).endsWith("about to exit 5"));
			});
		long failed = System.nanoTime();
		assertThat(Duration.ofNanos(failed - exited.get(10, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(1));
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isNotEqualTo(firstPid);
	}

	@Test
	void aDeadlockedTaskTimesOutWithinASecondOfItsTimeoutAndItsWorkerIsReplaced() throws Exception {
		Duration timeout = Duration.ofMillis(1000);
		ProcessPool pool = pool(1, PoolOptions.builder().taskTimeout(timeout));
		long firstPid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		long submitted = System.nanoTime();
		CompletableFuture<Object> deadlocked = pool.submit(ProcessPoolIntegrationTests::deadlock);
		assertThatThrownBy(() -> deadlocked.get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(TaskTimeoutException.class, (ex) -> assertThat(ex.pid()).isEqualTo(firstPid));
		assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isLessThan(timeout.plusSeconds(1));
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isNotEqualTo(firstPid);
	}

	/** Two threads taking two monitors in opposite orders, each waiting for the other to hold its first. */
	static Object deadlock() throws InterruptedException {
		Object first = new Object();
		Object second = new Object();
		CountDownLatch bothHoldOne = new CountDownLatch(2);
		Thread other = new Thread(() -> lockBoth(second, first, bothHoldOne));
		other.start();
		lockBoth(first, second, bothHoldOne);
		other.join();
		return null;
	}

	private static void lockBoth(Object a, Object b, CountDownLatch bothHoldOne) {
		synchronized (a) {
			bothHoldOne.countDown();
			try {
				bothHoldOne.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			synchronized (b) {
				bothHoldOne.countDown();
			}
		}
	}

	@Test
	void aTaskPastItsTimeoutGetsItsWorkerKilledAndTheNextTaskRuns() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().taskTimeout(Duration.ofMillis(1500)));
		long firstPid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> overrunning = pool.submit(() -> {
			Thread.sleep(60_000);
			return null;
		});
		assertThatThrownBy(() -> overrunning.get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(TaskTimeoutException.class,
					(ex) -> assertThat(ex.pid()).isEqualTo(firstPid));
		await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(firstPid).isEmpty()
				|| !ProcessHandle.of(firstPid).get().isAlive());
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isNotEqualTo(firstPid);
	}

	@Test
	void cancellingInterruptsTheTaskInItsWorkerWhichStaysInThePool() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		long pid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> sleeping = startSleeping(pool);
		sleeping.cancel(true);
		assertThatThrownBy(sleeping::get).isInstanceOf(CancellationException.class);
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isEqualTo(pid);
	}

	static Object sleepLong() throws InterruptedException {
		Thread.sleep(60_000);
		return null;
	}

	/** Submits a long sleep and returns once a worker is busy with it. */
	private static CompletableFuture<Object> startSleeping(ProcessPool pool) {
		CompletableFuture<Object> sleeping = pool.submit(ProcessPoolIntegrationTests::sleepLong);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.workers().stream().anyMatch((w) -> w.state() == ProcessState.BUSY));
		return sleeping;
	}

	static Object spinForever() {
		long spins = 0;
		while (spins >= 0) {
			spins++;
		}
		return spins;
	}

	@Test
	void aCancelledTaskThatIgnoresInterruptsGetsItsWorkerKilled() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().cancelGrace(Duration.ofMillis(500)));
		long pid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> spinning = pool.submit(ProcessPoolIntegrationTests::spinForever);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.workers().stream().anyMatch((w) -> w.state() == ProcessState.BUSY));
		spinning.cancel(true);
		await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).isEmpty()
				|| !ProcessHandle.of(pid).get().isAlive());
		assertThat(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isNotEqualTo(pid);
	}

	@Test
	void aPoolWhoseWorkersCannotStartFailsItsTasksWithTheReason() {
		ProcessPool pool = pool(2, PoolOptions.builder()
			.processOptions(ProcessOptions.builder().jvmOptions("-XX:+NoSuchOptionAnywhere").build()));
		CompletableFuture<Integer> first = pool.submit(() -> 1);
		CompletableFuture<Integer> second = pool.submit(() -> 2);
		for (CompletableFuture<Integer> call : List.of(first, second)) {
			assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS)).cause()
				.isInstanceOf(ProcessStartException.class)
				.hasMessageContaining("Unrecognized VM option");
		}
	}

	@Test
	void aRestartStormStopsStartingWorkersAndFailsTasksAtOnce() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder()
			.maxStartFailures(2)
			.startFailurePeriod(Duration.ofMinutes(1))
			.processOptions(ProcessOptions.builder().jvmOptions("-XX:+NoSuchOptionAnywhere").build()));
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).cause()
				.isInstanceOf(ProcessStartException.class);
		}
		int launched = this.template.children().size();
		long start = System.nanoTime();
		assertThatThrownBy(() -> pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("starts no more workers for now")
			.hasMessageContaining("Unrecognized VM option");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("failed fast").isLessThan(Duration.ofSeconds(1));
		assertThat(this.template.children()).as("no JVM launched during the storm").hasSize(launched);
		assertThat(pool.startFailure()).isPresent();
	}

	@Test
	void idleWorkersBeyondTheMinimumExitAfterTheIdleTimeout() throws Exception {
		ProcessPool pool = pool(2,
				PoolOptions.builder().minIdle(0).idleTimeout(Duration.ofMillis(300)));
		long pid = pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().isEmpty());
		await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).isEmpty()
				|| !ProcessHandle.of(pid).get().isAlive());
	}

	@Test
	void warmWorkersAreReadyBeforeTheFirstTask() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder().minIdle(2));
		pool.whenWarm().get(60, TimeUnit.SECONDS);
		assertThat(pool.workers()).hasSize(2).allSatisfy((w) -> assertThat(w.state()).isEqualTo(ProcessState.IDLE));
		Set<Long> pids = pool.workers().stream().map(ChildProcess::pid).collect(Collectors.toSet());
		assertThat(pids).contains(pool.submit(ProcessPoolIntegrationTests::pid).get(60, TimeUnit.SECONDS));
	}

	@Test
	void aWarmWorkerTakesTasksFromPackagesItHasNotSeenBefore() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().minIdle(1));
		pool.whenWarm().get(60, TimeUnit.SECONDS);
		assertThat(com.example.outside.OutsideTasks.greetingIn(pool, "bob").get(60, TimeUnit.SECONDS))
			.isEqualTo("hello bob");
	}

	@Test
	void closingThePoolLetsRunningTasksFinishWithinTheGraceAndFailsQueuedOnes() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder().minIdle(1));
		pool.whenWarm().get(60, TimeUnit.SECONDS);
		CompletableFuture<String> running = pool.submit(() -> {
			Thread.sleep(700);
			return "finished";
		});
		CompletableFuture<String> queued = pool.submit(() -> "never started");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.workers().stream().anyMatch((w) -> w.state() == ProcessState.BUSY));
		pool.close(Duration.ofSeconds(30));
		assertThat(running).isCompletedWithValue("finished");
		assertThatThrownBy(queued::get).isInstanceOf(CancellationException.class);
		assertThat(pool.workers()).isEmpty();
	}

	@Test
	void closingThePoolEndsItsWorkersAndRefusesNewTasks() throws Exception {
		ProcessPool pool = pool(2, PoolOptions.builder().minIdle(2));
		pool.whenWarm().get(60, TimeUnit.SECONDS);
		List<ChildProcess> workers = pool.workers();
		pool.close();
		// told to exit, not killed
		assertThat(workers).allSatisfy((w) -> assertThat(w.exitCode()).hasValue(0));
		assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
		assertThat(this.template.pools()).doesNotContain(pool);
	}

	@Test
	void onJava21AndLaterAWorkerToldToExitDoesNotGoThroughRuntimeExit(@TempDir Path temp) throws Exception {
		Path java25 = Path.of(System.getProperty("mp.test.java25-home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
		assumeTrue(Files.isExecutable(java25.resolve("bin/java")), "no Java 25 at " + java25);
		// Runtime.exit's debug record of Java 21+, printed: what the look-up for it costs is what the worker avoids
		Path logging = temp.resolve("logging.properties");
		Files.writeString(logging, "handlers=java.util.logging.ConsoleHandler\n"
				+ "java.util.logging.ConsoleHandler.level=ALL\njava.lang.Runtime.level=ALL\n");
		ProcessOptions options = ProcessOptions.builder()
			.javaHome(java25)
			.classDataSharing(false)
			.systemProperty("java.util.logging.config.file", logging.toString())
			.build();
		ProcessPool pool = pool(1, PoolOptions.builder().processOptions(options));
		// the control: a task's own System.exit(0) is recorded
		assertThatThrownBy(() -> pool.submit(() -> {
			System.exit(0);
			return null;
		}).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class, (died) -> assertThat(died.outputTail())
				.anySatisfy((line) -> assertThat(line).contains("Runtime.exit")));
		assertThat(pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).isEqualTo(1);
		ChildProcess worker = pool.workers().get(0);
		pool.close();
		assertThat(worker.exitCode()).hasValue(0);
		assertThat(worker.outputTail()).noneSatisfy((line) -> assertThat(line).contains("Runtime.exit"));
	}

	@Test
	void aWorkerWhoseTaskLeftAThreadRunningStillExitsWhenThePoolCloses() throws Exception {
		ProcessPool pool = pool(1, PoolOptions.builder());
		// as an executor's thread factory makes them: not a daemon, unlike the call thread it was made on
		pool.submit(() -> {
			Thread forever = new Thread(() -> {
				while (true) {
					LockSupport.park();
				}
			});
			forever.setDaemon(false);
			forever.start();
			return forever.getId();
		}).get(60, TimeUnit.SECONDS);
		ChildProcess worker = pool.workers().get(0);
		pool.close();
		// the thread would keep the JVM alive past the end of main: the worker forces its exit, within the second
		// close() waits before it kills
		assertThat(worker.isAlive()).isFalse();
		assertThat(worker.exitCode()).hasValue(0);
	}

}

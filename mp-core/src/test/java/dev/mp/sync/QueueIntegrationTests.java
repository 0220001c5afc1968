package dev.mp.sync;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Queues between real child JVMs: producers and consumers in different processes, joinable queues, messages larger
 * than the ring, and a producer killed in the middle of a message.
 */
@ExtendWith(NoChildProcessesLeft.class)
class QueueIntegrationTests {

	private static final long PILL = -1;

	private final ProcessTemplate template = new ProcessTemplate();

	private SharedObjects shared;

	@BeforeEach
	void open() {
		this.shared = TestSharedObjects.open();
	}

	@AfterEach
	void close() {
		this.template.close();
		this.shared.close();
	}

	@Test
	void aShutDownQueueRefusesPutsDrainsThenRefusesTakesAndWakesWaitersInOtherProcesses() throws Exception {
		ProcessQueue<String> drained = this.template.queue();
		ProcessQueue<String> empty = this.template.queue();
		ProcessQueue<String> full = this.template.queue(1);
		full.put("room for one");
		drained.put("a");
		drained.put("b");
		SharedIntArray outcomes = this.template.sharedIntArray(3);
		ProcessEvent waiting = this.template.event();
		ManagedProcess taker = this.template.process((Integer unused) -> {
			waiting.set();
			try {
				empty.take();
			}
			catch (QueueShutDownException ex) {
				outcomes.set(0, 1);
			}
		}, 0).start();
		ManagedProcess putter = this.template.process((Integer unused) -> {
			try {
				full.put("no room");
			}
			catch (QueueShutDownException ex) {
				outcomes.set(1, 1);
			}
		}, 0).start();
		assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(30)).until(() -> putter.state() == dev.mp.ProcessState.RUNNING);
		empty.shutdown();
		full.shutdown();
		drained.shutdown();
		assertThat(taker.join(Duration.ofSeconds(30))).isTrue();
		assertThat(putter.join(Duration.ofSeconds(30))).isTrue();
		assertThat(outcomes.get(0)).as("the taker blocked in another process woke with QueueShutDownException")
			.isEqualTo(1);
		assertThat(outcomes.get(1)).as("the putter blocked in another process woke with QueueShutDownException")
			.isEqualTo(1);
		assertThatThrownBy(() -> drained.put("c")).isInstanceOf(QueueShutDownException.class);
		assertThatThrownBy(() -> drained.offer("c")).isInstanceOf(QueueShutDownException.class);
		ManagedProcess drainer = this.template.process((Integer unused) -> {
			outcomes.set(2, (drained.isShutDown() && "a".equals(drained.take()) && "b".equals(drained.take())) ? 1 : 0);
			drained.take();
		}, 0).start();
		assertThat(drainer.join(Duration.ofSeconds(30))).isTrue();
		assertThat(outcomes.get(2)).as("the messages left were still taken, in order").isEqualTo(1);
		assertThat(drainer.exitCode()).as("then take threw").hasValue(1);
		assertThatThrownBy(drained::poll).isInstanceOf(QueueShutDownException.class);
	}

	@Test
	void anImmediateShutdownDropsTheMessagesLeftAndSettlesTheTasksJoinWaitsFor() throws Exception {
		JoinableProcessQueue<Integer> tasks = this.template.joinableQueue();
		for (int i = 0; i < 3; i++) {
			tasks.put(i);
		}
		assertThat(tasks.take()).isZero();
		assertThat(tasks.shutdown(true)).isEqualTo(2);
		assertThat(tasks.isEmpty()).isTrue();
		assertThatThrownBy(tasks::take).isInstanceOf(QueueShutDownException.class);
		tasks.taskDone();
		assertThat(tasks.join(5, TimeUnit.SECONDS)).as("the dropped messages count as done").isTrue();
		assertThat(tasks.unfinishedTasks()).isZero();
	}

	@Test
	void twoProducerProcessesAndTwoConsumerProcessesDeliverEveryItemOnceInOrderPerProducer() throws Exception {
		ProcessQueue<Long> items = this.shared.register(new ProcessQueue<>(this.shared, 100, 4096));
		ProcessQueue<long[]> results = this.shared.register(new ProcessQueue<>(this.shared, 0, 1 << 20));
		int perProducer = 5_000;
		List<ManagedProcess> producers = new ArrayList<>();
		List<ManagedProcess> consumers = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			producers.add(this.template.process(QueueIntegrationTests::produce, new Work(items, results, i, perProducer))
				.start());
			consumers.add(this.template.process(QueueIntegrationTests::consume, new Work(items, results, i, 0)).start());
		}
		for (ManagedProcess producer : producers) {
			producer.join();
			assertThat(producer.exitCode()).hasValue(0);
		}
		items.put(PILL);
		items.put(PILL);
		Set<Long> all = new HashSet<>();
		int total = 0;
		for (int i = 0; i < 2; i++) {
			long[] got = results.poll(60, TimeUnit.SECONDS);
			assertThat(got).isNotNull();
			total += got.length;
			Arrays.stream(got).forEach(all::add);
			// each consumer saw each producer's items in the order they were put
			for (int producer = 0; producer < 2; producer++) {
				int id = producer;
				long[] mine = Arrays.stream(got).filter((item) -> (item >>> 32) == id).toArray();
				assertThat(mine).isSorted();
			}
		}
		for (ManagedProcess consumer : consumers) {
			consumer.join();
			assertThat(consumer.exitCode()).hasValue(0);
		}
		assertThat(total).isEqualTo(2 * perProducer);
		assertThat(all).hasSize(2 * perProducer);
		assertThat(items.isEmpty()).isTrue();
	}

	static void produce(Work work) throws InterruptedException {
		for (int i = 0; i < work.count(); i++) {
			work.items().put(((long) work.id() << 32) | i);
		}
	}

	static void consume(Work work) throws InterruptedException {
		List<Long> got = new ArrayList<>();
		for (long item = work.items().take(); item != PILL; item = work.items().take()) {
			got.add(item);
		}
		work.results().put(got.stream().mapToLong(Long::longValue).toArray());
	}

	@Test
	void joinReturnsOnlyAfterEveryTaskTakenByChildrenIsDone() throws Exception {
		JoinableProcessQueue<Integer> tasks = this.shared.register(new JoinableProcessQueue<>(this.shared, 0, 4096));
		ProcessQueue<Integer> log = this.shared.register(new ProcessQueue<>(this.shared, 0, 4096));
		ProcessQueue<String> gate = this.shared.register(new ProcessQueue<>(this.shared, 0, 4096));
		for (int i = 0; i < 10; i++) {
			tasks.put(i);
		}
		List<ManagedProcess> workers = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			workers.add(this.template.process(QueueIntegrationTests::work, new Tasks(tasks, log, gate)).start());
		}
		// every task is taken and logged, but the last one is held until the gate opens
		await().atMost(Duration.ofSeconds(30)).until(() -> log.size() == 10 && tasks.unfinishedTasks() == 1);
		assertThat(tasks.join(100, TimeUnit.MILLISECONDS)).isFalse();
		gate.put("go");
		assertThat(tasks.join(30, TimeUnit.SECONDS)).isTrue();
		assertThat(tasks.unfinishedTasks()).isZero();
		tasks.put(-1);
		tasks.put(-1);
		tasks.join();
		for (ManagedProcess worker : workers) {
			worker.join();
			assertThat(worker.exitCode()).hasValue(0);
		}
	}

	static void work(Tasks work) throws InterruptedException {
		while (true) {
			int task = work.tasks().take();
			if (task >= 0) {
				work.log().put(task);
				if (task == 9) {
					work.gate().take();
				}
			}
			work.tasks().taskDone();
			if (task < 0) {
				return;
			}
		}
	}

	@Test
	void aMessageLargerThanTheRingCrossesProcessesIntactBothWays() throws Exception {
		ProcessQueue<byte[]> in = this.shared.register(new ProcessQueue<>(this.shared, 0, 64 * 1024));
		ProcessQueue<byte[]> out = this.shared.register(new ProcessQueue<>(this.shared, 0, 64 * 1024));
		ManagedProcess echo = this.template.process(QueueIntegrationTests::echo, List.of(in, out)).start();
		byte[] big = RingTests.payload(1, 2, 3 * 1024 * 1024);
		in.put(big);
		byte[] back = out.poll(60, TimeUnit.SECONDS);
		assertThat(back).isEqualTo(big);
		echo.join();
		assertThat(echo.exitCode()).hasValue(0);
		assertThat(in.isEmpty()).isTrue();
		assertThat(out.isEmpty()).isTrue();
	}

	static void echo(List<ProcessQueue<byte[]>> queues) throws InterruptedException {
		queues.get(1).put(queues.get(0).take());
	}

	@Test
	void aProducerKilledInTheMiddleOfAMessageBreaksTheQueueWithAClearError() throws Exception {
		ProcessQueue<byte[]> queue = this.shared.register(new ProcessQueue<>(this.shared, 0, 64 * 1024));
		ManagedProcess producer = this.template.process(QueueIntegrationTests::putBig, queue).start();
		// the message has started: its first chunk is in the ring, and the producer waits for room for the rest
		await().atMost(Duration.ofSeconds(30)).until(() -> queue.ring().readable());
		long pid = producer.pid();
		producer.kill();
		producer.join();
		assertThatIllegalStateException().isThrownBy(queue::take)
			.withMessageContaining("is broken")
			.withMessageContaining("process " + pid + " died while putting");
		assertThatIllegalStateException().isThrownBy(() -> queue.offer(new byte[1]))
			.withMessageContaining("process " + pid);
		assertThatIllegalStateException().isThrownBy(queue::poll).withMessageContaining("is broken");
	}

	static void putBig(ProcessQueue<byte[]> queue) throws InterruptedException {
		queue.put(new byte[1024 * 1024]);
	}

	@Test
	void aConsumerKilledWhileWaitingOnAnEmptyQueueDoesNotStopTheOthers() throws Exception {
		ProcessQueue<String> queue = this.shared.register(new ProcessQueue<>(this.shared, 0, 4096));
		ProcessQueue<String> ready = this.shared.register(new ProcessQueue<>(this.shared, 0, 4096));
		ManagedProcess consumer = this.template.process(QueueIntegrationTests::waitForever, List.of(ready, queue))
			.start();
		assertThat(ready.poll(30, TimeUnit.SECONDS)).isEqualTo("ready");
		// the child now waits in take(), holding the queue's take lock
		consumer.kill();
		consumer.join();
		queue.put("after");
		assertThat(queue.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
		queue.put("again");
		assertThat(queue.take()).isEqualTo("again");
	}

	static void waitForever(List<ProcessQueue<String>> queues) throws InterruptedException {
		queues.get(0).put("ready");
		queues.get(1).take();
	}

	record Work(ProcessQueue<Long> items, ProcessQueue<long[]> results, int id, int count) implements Serializable {
	}

	record Tasks(JoinableProcessQueue<Integer> tasks, ProcessQueue<Integer> log, ProcessQueue<String> gate)
			implements Serializable {
	}

}

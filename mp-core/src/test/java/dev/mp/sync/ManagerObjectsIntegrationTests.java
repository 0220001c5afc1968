package dev.mp.sync;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.CurrentProcess;
import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shared maps, lists and namespaces between real child JVMs, as CPython's test_multiprocessing checks the proxies of
 * {@code Manager().dict()}, {@code list()} and {@code Namespace()}: no update lost between processes, and a process
 * killed holding the lock or in the middle of writes leaves whole contents that the others go on with.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ManagerObjectsIntegrationTests {

	private static final int ROUNDS = 500;

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void fourProcessesCountingWithMergeAndComputeLoseNoUpdate() throws Exception {
		SharedMap<String, Long> counts = this.template.sharedMap();
		List<ManagedProcess> children = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			children.add(this.template.process(ManagerObjectsIntegrationTests::count, new Counting(counts, i)).start());
		}
		joinAll(children);
		assertThat(counts).containsEntry("merged", 4L * ROUNDS)
			.containsEntry("computed", 4L * ROUNDS)
			.containsEntry("child-0", (long) ROUNDS)
			.containsEntry("child-3", (long) ROUNDS)
			.hasSize(6);
	}

	static void count(Counting counting) {
		for (int i = 0; i < ROUNDS; i++) {
			counting.counts().merge("merged", 1L, Long::sum);
			counting.counts().compute("computed", (key, value) -> (value == null) ? 1 : value + 1);
			counting.counts().merge("child-" + counting.id(), 1L, Long::sum);
		}
	}

	@Test
	void threeProcessesAppendingToOneListLoseNothingAndKeepTheirOrder() throws Exception {
		SharedList<String> list = this.template.sharedList();
		List<ManagedProcess> children = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int id = i;
			children.add(this.template.process((SharedList<String> shared) -> {
				for (int n = 0; n < ROUNDS; n++) {
					shared.add(id + ":" + n);
				}
			}, list).start());
		}
		joinAll(children);
		assertThat(list).hasSize(3 * ROUNDS);
		assertThat(new HashSet<>(list)).hasSize(3 * ROUNDS);
		for (int id = 0; id < 3; id++) {
			String prefix = id + ":";
			assertThat(list.stream().filter((element) -> element.startsWith(prefix))
				.mapToInt((element) -> Integer.parseInt(element.substring(prefix.length())))
				.toArray()).isSorted().hasSize(ROUNDS);
		}
	}

	@Test
	void aNamespaceSetInAChildIsReadInTheParent() throws Exception {
		SharedNamespace namespace = this.template.namespace();
		namespace.set("x", 41);
		ManagedProcess child = this.template.process((SharedNamespace shared) -> {
			int x = shared.get("x");
			shared.set("y", x + 1);
			shared.set("who", CurrentProcess.name());
			shared.set("point", new Point(1, 2));
		}, namespace).name("setter").start();
		joinAll(List.of(child));
		assertThat(namespace.<Integer>get("y")).isEqualTo(42);
		assertThat(namespace.<String>get("who")).isEqualTo("setter");
		assertThat(namespace.<Point>get("point")).isEqualTo(new Point(1, 2));
		assertThat(namespace.names()).containsExactly("x", "y", "who", "point");
	}

	@Test
	void aProcessKilledHoldingTheMapsLockLeavesItAsItWasAndTheOthersGoOn() throws Exception {
		SharedMap<String, Long> map = this.template.sharedMap();
		map.put("count", 1L);
		ProcessEvent held = this.template.event();
		ManagedProcess holder = this.template.process((SharedMap<String, Long> shared) -> {
			shared.compute("count", (key, value) -> {
				held.set();
				waitForever();
				return -1L;
			});
		}, map).start();
		assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
		holder.kill();
		holder.join();

		long start = System.nanoTime();
		assertThat(map.merge("count", 1L, Long::sum)).isEqualTo(2);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		ManagedProcess next = this.template.process((SharedMap<String, Long> shared) -> {
			shared.merge("count", 10L, Long::sum);
		}, map).start();
		joinAll(List.of(next));
		assertThat(map).containsExactly(Map.entry("count", 12L));
	}

	@Test
	void aWriterKilledInTheMiddleOfItsWritesLeavesWholeContents() throws Exception {
		SharedMap<String, Long> map = this.template.sharedMap(4 << 20);
		for (int i = 0; i < 5_000; i++) {
			map.put("key-" + i, 0L);
		}
		for (int round = 1; round <= 3; round++) {
			long before = map.get("key-0");
			ManagedProcess writer = this.template.process((SharedMap<String, Long> shared) -> {
				while (true) {
					shared.replaceAll((key, value) -> value + 1);
				}
			}, map).start();
			// every write rewrites all 5,000 entries: a kill lands in the middle of one, or of its function
			// a few more writes each round, so that the kill meets each round's writer at another point of its work
			long writes = 5 + 2L * round;
			await().atMost(Duration.ofSeconds(30)).until(() -> map.get("key-0") >= before + writes);
			writer.kill();
			writer.join();

			List<Long> values = new ArrayList<>(map.values());
			assertThat(values).hasSize(5_000);
			assertThat(new HashSet<>(values)).as("the values of one write, all of them").hasSize(1);
			map.replaceAll((key, value) -> value + 1);
			assertThat(new HashSet<>(map.values())).containsExactly(values.get(0) + 1);
		}
	}

	private static void joinAll(List<ManagedProcess> children) throws InterruptedException {
		for (ManagedProcess child : children) {
			assertThat(child.join(Duration.ofSeconds(120))).isTrue();
			assertThat(child.exitCode()).hasValue(0);
		}
	}

	private static void waitForever() {
		try {
			new CountDownLatch(1).await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	record Counting(SharedMap<String, Long> counts, int id) implements Serializable {
	}

	record Point(int x, int y) implements Serializable {
	}

}

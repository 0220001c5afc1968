package dev.mp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.test.JavaProcesses;
import dev.mp.test.NoChildProcessesLeft;
import dev.mp.testapp.ParentMain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three classic examples of Python's {@code multiprocessing} documentation, ported.
 */
@ExtendWith(NoChildProcessesLeft.class)
class TutorialExamplesIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	static void greet(String who) throws InterruptedException {
		Thread.sleep(1000);
		System.out.println("hello " + who + " from pid " + ProcessHandle.current().pid());
	}

	@Test
	void processesFromATargetRunInParallel() throws Exception {
		List<ManagedProcess> processes = new ArrayList<>();
		List<CompletableFuture<Instant>> exits = new ArrayList<>();
		for (String who : List.of("bob", "alice", "carol")) {
			ManagedProcess process = this.template.process(TutorialExamplesIntegrationTests::greet, who).start();
			processes.add(process);
			exits.add(process.onExit().thenApply((p) -> Instant.now()));
		}
		for (ManagedProcess process : processes) {
			process.join();
		}
		assertThat(processes).allSatisfy((p) -> assertThat(p.exitCode()).hasValue(0));
		assertThat(processes.stream().map(ManagedProcess::pid).distinct()).hasSize(3)
			.doesNotContain(ProcessHandle.current().pid());
		// one after another, each would start after the previous exited; in parallel all three are alive at once,
		// whatever the machine's load does to how long each takes
		Instant lastStart = processes.stream().map(ManagedProcess::startTime).max(Instant::compareTo).orElseThrow();
		Instant firstExit = exits.stream().map(CompletableFuture::join).min(Instant::compareTo).orElseThrow();
		assertThat(lastStart).as("the last start came before the first exit").isBefore(firstExit);
	}

	@Test
	void aTargetFromTheUsersOwnPackageIsAllowedAndDescribed() throws Exception {
		ManagedProcess process = com.example.outside.OutsideTasks.startGreeting(this.template, "bob");
		process.join();
		assertThat(process.exitCode()).hasValue(0);
		assertThat(this.template.child(process.pid()).orElseThrow().description())
			.isEqualTo("process com.example.outside.OutsideTasks (lambda)");
	}

	/** Python's "subclass Process and override run()": the fields travel to the child. */
	static final class Greeter extends ManagedProcess {

		private static final long serialVersionUID = 1L;

		private final String who;

		private final String outputFile;

		Greeter(String who, Path outputFile) {
			this.who = who;
			this.outputFile = outputFile.toString();
		}

		@Override
		public void run() throws IOException {
			Files.writeString(Path.of(this.outputFile), "hello " + this.who + " " + ProcessHandle.current().pid());
		}

	}

	@Test
	void subclassOverridingRun(@TempDir Path dir) throws Exception {
		List<Greeter> greeters = new ArrayList<>();
		for (String who : List.of("bob", "alice", "carol")) {
			greeters.add(this.template.bind(new Greeter(who, dir.resolve(who))).name("greeter-" + who).start());
		}
		for (Greeter greeter : greeters) {
			greeter.join();
			assertThat(greeter.exitCode()).hasValue(0);
			assertThat(greeter.name()).startsWith("greeter-");
			String written = Files.readString(dir.resolve(greeter.who), StandardCharsets.UTF_8);
			assertThat(written).isEqualTo("hello " + greeter.who + " " + greeter.pid());
		}
	}

	@Test
	void daemonChildrenEndWithTheirParent() throws Exception {
		JavaProcesses.Started parent = JavaProcesses.start(ParentMain.class, "daemon");
		long first = Long.parseLong(parent.awaitLine("CHILD", 30));
		long second = Long.parseLong(parent.awaitLine("CHILD", 30));
		parent.awaitLine("PARENT DONE", 30);
		long done = System.nanoTime();
		assertThat(parent.process().onExit().get()).isNotNull();
		assertThat(Duration.ofNanos(System.nanoTime() - done)).as("parent finishes at once")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(parent.process().exitValue()).isZero();
		for (long pid : List.of(first, second)) {
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
				.as("daemon child %d alive after its parent exited", pid).isFalse();
		}
	}

	@Test
	void aParentThatCallsSystemExitWithoutClosingTakesItsChildren() throws Exception {
		JavaProcesses.Started parent = JavaProcesses.start(ParentMain.class, "exit");
		long first = Long.parseLong(parent.awaitLine("CHILD", 30));
		long second = Long.parseLong(parent.awaitLine("CHILD", 30));
		parent.process().onExit().get();
		long exited = System.nanoTime();
		await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
			.until(() -> List.of(first, second).stream().allMatch(JavaProcesses::hasExited));
		assertThat(Duration.ofNanos(System.nanoTime() - exited)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void killingTheParentWithSigkillTakesGrandchildrenToo() throws Exception {
		JavaProcesses.Started parent = JavaProcesses.start(ParentMain.class, "wait", "grandchildren");
		List<Long> grandchildren = new ArrayList<>();
		grandchildren.add(Long.parseLong(parent.awaitLineContaining("GRANDCHILD", 30)));
		grandchildren.add(Long.parseLong(parent.awaitLineContaining("GRANDCHILD", 30)));
		assertThat(grandchildren).allSatisfy((pid) -> assertThat(isAlive(pid)).isTrue());
		parent.process().destroyForcibly();
		parent.process().onExit().get();
		await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
			.until(() -> grandchildren.stream().allMatch(JavaProcesses::hasExited));
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	@Test
	void killingTheParentWithSigkillTakesItsChildrenWithinTwoSeconds() throws Exception {
		JavaProcesses.Started parent = JavaProcesses.start(ParentMain.class, "wait");
		long first = Long.parseLong(parent.awaitLine("CHILD", 30));
		long second = Long.parseLong(parent.awaitLine("CHILD", 30));
		parent.awaitLine("PARENT WAITING", 30);
		List<ProcessHandle> children = List.of(ProcessHandle.of(first).orElseThrow(),
				ProcessHandle.of(second).orElseThrow());
		// the children must be up before the parent dies: wait until each is a running JVM with its own threads
		await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().allMatch(ProcessHandle::isAlive));
		parent.process().destroyForcibly();
		parent.process().onExit().get();
		long killed = System.nanoTime();
		await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
			.until(() -> children.stream().map(ProcessHandle::pid).allMatch(JavaProcesses::hasExited));
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(2));
	}

}

package dev.mp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.sync.ProcessEvent;
import dev.mp.sync.SharedInt;
import dev.mp.sync.SharedLong;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The verbs of Python's {@code Process} on real child JVMs: lifecycle rules, exit codes, signals.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ManagedProcessIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void startingTwiceJoiningBeforeStartAndSettingDaemonAfterStartAreRefused() throws Exception {
		ManagedProcess process = this.template.process(() -> {
		}).name("once").build();
		assertThatIllegalStateException().isThrownBy(process::join).withMessageContaining("was not started");
		assertThatIllegalStateException().isThrownBy(process::pid).withMessageContaining("was not started");
		assertThat(process.exitCode()).isEmpty();
		assertThat(process.state()).isEqualTo(ProcessState.NEW);
		process.start();
		assertThatIllegalStateException().isThrownBy(process::start).withMessageContaining("already started");
		assertThatIllegalStateException().isThrownBy(() -> process.setDaemon(true))
			.withMessageContaining("already started");
		process.join();
		assertThat(process.exitCode()).hasValue(0);
		assertThat(process.isAlive()).isFalse();
		assertThat(process.state()).isEqualTo(ProcessState.EXITED);
		process.close();
	}

	@Test
	void everyUseAfterCloseIsRefusedAsPythonRaisesValueError() throws Exception {
		ManagedProcess process = this.template.process(() -> {
		}).name("closed-one").build();
		process.start();
		process.join();
		process.close();
		assertThat(this.template.children()).noneMatch((child) -> child.name().equals("closed-one"));
		List<ThrowingCallable> uses = List.of(process::join, () -> process.join(Duration.ofSeconds(1)),
				process::isAlive, process::exitCode, process::pid, process::terminate, process::kill, process::onExit,
				process::start);
		for (ThrowingCallable use : uses) {
			assertThatIllegalStateException().isThrownBy(use).withMessageContaining("was closed");
		}
		process.close();
		assertThat(process.name()).isEqualTo("closed-one");
		assertThat(process.state()).isEqualTo(ProcessState.EXITED);
		assertThat(process.toString()).contains("closed-one");

		ManagedProcess neverStarted = this.template.process(() -> {
		}).build();
		neverStarted.close();
		assertThatIllegalStateException().isThrownBy(neverStarted::start).withMessageContaining("was closed");
	}

	@Test
	void threadsTheBodyStartedThatAreNotDaemonsKeepTheChildAliveAsInPython() throws Exception {
		ProcessEvent bodyReturned = this.template.event();
		ProcessEvent release = this.template.event();
		SharedInt written = this.template.sharedInt(0);
		ManagedProcess process = this.template.process(() -> {
			Thread late = new Thread(() -> {
				try {
					release.await();
					written.set(42);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			late.start();
			bodyReturned.set();
			throw new IllegalStateException("the body fails; its thread goes on");
		}).start();
		assertThat(bodyReturned.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.join(Duration.ofMillis(300))).as("still running while its thread waits").isFalse();
		release.set();
		assertThat(process.join(Duration.ofSeconds(30))).isTrue();
		assertThat(written.get()).as("the thread finished its work").isEqualTo(42);
		assertThat(process.exitCode()).as("the exit code is the body's").hasValue(1);
	}

	@Test
	void aProcessNotMadeByATemplateCannotStart() {
		ManagedProcess orphan = new ManagedProcess() {
		};
		assertThatIllegalStateException().isThrownBy(orphan::start).withMessageContaining("processTemplate.process");
	}

	@Test
	void runThrowingGivesExitCodeOne() throws Exception {
		ManagedProcess process = this.template.process(() -> {
			throw new IllegalStateException("boom");
		}).start();
		process.join();
		assertThat(process.exitCode()).hasValue(1);
	}

	@Test
	void haltGivesItsExitCode() throws Exception {
		ManagedProcess process = this.template.process(() -> Runtime.getRuntime().halt(3)).start();
		assertThat(process.join(Duration.ofSeconds(30))).isTrue();
		assertThat(process.exitCode()).hasValue(3);
	}

	@Test
	void terminateAndKillReportTheSignalAsANegativeExitCode() throws Exception {
		ManagedProcess terminated = this.template.process(() -> Thread.sleep(60_000)).start();
		ManagedProcess killed = this.template.process(() -> Thread.sleep(60_000)).start();
		awaitRunning(terminated);
		awaitRunning(killed);
		assertThat(this.template.activeChildren()).hasSize(2);
		assertThat(terminated.isAlive()).isTrue();
		terminated.terminate();
		killed.kill();
		terminated.join();
		killed.join();
		assertThat(terminated.exitCode()).hasValue(-15);
		assertThat(killed.exitCode()).hasValue(-9);
		assertThat(this.template.activeChildren()).isEmpty();
		assertThat(this.template.children()).hasSize(2);
	}

	@Test
	void onExitCompletesWithTheProcess() throws Exception {
		ManagedProcess process = this.template.process(() -> System.exit(5)).start();
		assertThat(process.onExit().get()).isSameAs(process);
		assertThat(process.exitCode()).hasValue(5);
	}

	@Test
	void aChildThatCannotStartMakesJoinThrowWithTheCommandAndItsStderr() {
		ManagedProcess process = this.template.process(() -> {
		}).options((o) -> o.jvmOptions("-XX:+NoSuchOptionAnywhere")).start();
		assertThatThrownBy(process::join).isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("-XX:+NoSuchOptionAnywhere")
			.hasMessageContaining("Unrecognized VM option")
			.satisfies((ex) -> assertThat(((ProcessStartException) ex).exitCode()).hasValue(1));
	}

	/** A child stopped on purpose before its handshake did not fail to start: join returns as for any stopped child. */
	@Test
	void aChildKilledBeforeItsHandshakeIsNoStartFailure() throws Exception {
		ManagedProcess process = this.template.process(() -> Thread.sleep(60_000)).start();
		process.kill();
		assertThat(process.join(Duration.ofSeconds(30))).isTrue();
		assertThat(process.exitCode()).hasValue(-9);
	}

	@Test
	void closeJoinsNonDaemonChildrenAndTerminatesDaemons() throws Exception {
		ProcessTemplate shortGrace = ProcessTemplate.builder().shutdownGracePeriod(Duration.ofSeconds(1)).build();
		ManagedProcess daemon = shortGrace.process(() -> Thread.sleep(60_000)).daemon(true).start();
		ManagedProcess stubborn = shortGrace.process(() -> Thread.sleep(60_000)).start();
		awaitRunning(daemon);
		awaitRunning(stubborn);
		shortGrace.close();
		assertThat(daemon.isAlive()).isFalse();
		assertThat(stubborn.isAlive()).isFalse();
		assertThat(daemon.exitCode()).hasValue(-15);
		assertThat(stubborn.exitCode()).hasValue(-15);
		assertThatIllegalStateException().isThrownBy(() -> shortGrace.process(() -> {
		}).start()).withMessageContaining("closed");
	}

	static void ignoreSigterm() throws InterruptedException {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				Thread.sleep(600_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}));
		Thread.sleep(600_000);
	}

	@Test
	void closeWaitsTheGracePeriodThenTerminatesThenKills() throws Exception {
		ProcessTemplate template = ProcessTemplate.builder().shutdownGracePeriod(Duration.ofSeconds(2)).build();
		ManagedProcess finishing = template.process(() -> Thread.sleep(500)).start();
		ManagedProcess stubborn = template.process(ManagedProcessIntegrationTests::ignoreSigterm).start();
		awaitRunning(finishing);
		awaitRunning(stubborn);
		long start = System.nanoTime();
		template.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(dev.mp.test.NoChildProcessesLeft.liveDescendants()).as("alive right after close").isEmpty();
		assertThat(finishing.exitCode()).as("finished within the grace period").hasValue(0);
		assertThat(stubborn.exitCode()).as("ignored SIGTERM, so was killed").hasValue(-9);
		assertThat(took).as("joined for the grace period, then 5 s for SIGTERM").isGreaterThan(Duration.ofSeconds(2));
	}

	@Test
	void closeRemovesTheRunAndSharedMemoryDirectories(@TempDir Path runBase, @TempDir Path sharedBase)
			throws Exception {
		ProcessTemplate template = ProcessTemplate.builder().runDirectoryBase(runBase).sharedMemoryBase(sharedBase)
			.build();
		SharedLong counter = template.sharedLong(0);
		template.process(() -> counter.getAndAdd(1)).start().join();
		assertThat(counter.get()).isEqualTo(1);
		assertThat(runBase).isNotEmptyDirectory();
		assertThat(sharedBase).isNotEmptyDirectory();
		template.close();
		assertThat(runBase).isEmptyDirectory();
		assertThat(sharedBase).isEmptyDirectory();
	}

	private static void awaitRunning(ManagedProcess process) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
			.until(() -> process.state() == ProcessState.RUNNING);
	}

}

package dev.mp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.spi.CallSites;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Single calls in fresh child JVMs: values and exceptions come back; crashes, floods and bad input are reported.
 */
@ExtendWith(NoChildProcessesLeft.class)
class TaskIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aResultComesBackFromAnotherPid() throws Exception {
		long parent = ProcessHandle.current().pid();
		long child = this.template.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
		assertThat(child).isNotEqualTo(parent);
	}

	@Test
	void aCheckedExceptionArrivesWithTypeMessageStackAndCause() {
		assertThatThrownBy(() -> this.template.submit(TaskIntegrationTests::failChecked).get(60, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(IOException.class)
			.hasMessage("disk on fire")
			.hasCauseInstanceOf(IllegalArgumentException.class)
			.satisfies((ex) -> assertThat(ex.getStackTrace()[0].getMethodName()).isEqualTo("failChecked"))
			.satisfies((ex) -> assertThat(ex.getCause()).hasMessage("root cause"));
	}

	static Object failChecked() throws IOException {
		throw new IOException("disk on fire", new IllegalArgumentException("root cause"));
	}

	@Test
	void anUncheckedExceptionArrivesAsItsOwnType() {
		assertThatThrownBy(() -> this.template.submit(() -> {
			throw new UnsupportedOperationException("not here");
		}).get(60, TimeUnit.SECONDS)).cause().isInstanceOf(UnsupportedOperationException.class).hasMessage("not here");
	}

	/** An exception with a field that cannot be serialized. */
	static final class UnserializableException extends RuntimeException {

		private final transient Object ignored = null;

		private final OutputStream stream = OutputStream.nullOutputStream();

		UnserializableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

	static Object failUnserializably() {
		throw new UnserializableException("cannot travel", new IllegalStateException("its cause"));
	}

	@Test
	void anUnserializableExceptionArrivesAsAStandInWithEverything() {
		assertThatThrownBy(() -> this.template.submit(TaskIntegrationTests::failUnserializably)
			.get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(RemoteExceptionStandIn.class, (standIn) -> {
				assertThat(standIn.remoteClassName()).isEqualTo(UnserializableException.class.getName());
				assertThat(standIn.remoteMessage()).isEqualTo("cannot travel");
				assertThat(standIn.getMessage()).contains(UnserializableException.class.getName(), "cannot travel");
				assertThat(standIn.getStackTrace()[0].getMethodName()).isEqualTo("failUnserializably");
				assertThat(standIn.getCause()).isInstanceOf(RemoteExceptionStandIn.class)
					.hasMessageContaining(IllegalStateException.class.getName())
					.hasMessageContaining("its cause");
			});
	}

	@Test
	void callSitesAreAppendedToARemoteStack() {
		IOException remote = new IOException("x");
		remote.setStackTrace(new StackTraceElement[] { new StackTraceElement("Remote", "work", "Remote.java", 1) });
		CallSites.appendCallerStack(remote, "task");
		assertThat(remote.getStackTrace()[0].getClassName()).isEqualTo("Remote");
		assertThat(remote.getStackTrace()[1].getClassName()).isEqualTo(CallSites.MARKER);
		assertThat(remote.getStackTrace()).anySatisfy((frame) -> assertThat(frame.getMethodName())
			.isEqualTo("callSitesAreAppendedToARemoteStack"));
	}

	@Test
	void aChildThatHaltsGivesAnExceptionNamingTheExitCodeAndTheParentGoesOn() throws Exception {
		assertThatThrownBy(() -> this.template.submit(() -> {
			System.err.println("about to halt");
			Runtime.getRuntime().halt(3);
			return null;
		}).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class, (died) -> {
				assertThat(died.exitCode()).hasValue(3);
				assertThat(died.signal()).isEmpty();
				assertThat(died.outputTail()).contains("about to halt");
				assertThat(died).hasMessageContaining("exit code 3");
			});
		assertThat(this.template.submit(() -> "still serving").get(60, TimeUnit.SECONDS)).isEqualTo("still serving");
	}

	@Test
	void aChildKilledBySignalReportsTheSignal() {
		assertThatThrownBy(() -> this.template.submit(() -> {
			new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
			return null;
		}).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class, (died) -> {
				assertThat(died.exitCode()).hasValue(-9);
				assertThat(died.signal()).hasValue(9);
				assertThat(died).hasMessageContaining("SIGKILL");
			});
	}

	@Test
	void aChildFloodingStdoutStillAnswers() throws Exception {
		int answer = this.template.submit(() -> {
			for (int i = 0; i < 100_000; i++) {
				System.out.println("flood line " + i + " with some padding to make it longer than a word");
			}
			System.out.print("a very long line without an end ".repeat(1000));
			return 42;
		}).get(120, TimeUnit.SECONDS);
		assertThat(answer).isEqualTo(42);
	}

	@Test
	void anArgumentThatCannotBeSerializedFailsBeforeAnyForkNamingItsType() {
		Thread notSerializable = new Thread();
		assertThatThrownBy(() -> this.template.submit(() -> notSerializable.getName()))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining("java.lang.Thread");
		assertThat(this.template.children()).isEmpty();
	}

	@Test
	void anArgumentOutsideTheAllowListIsRefusedBeforeAnyFork() throws Exception {
		javax.naming.CompositeName outsider = new javax.naming.CompositeName("a/b");
		assertThatThrownBy(() -> this.template.submit(() -> outsider.size()))
			.isInstanceOfSatisfying(ClassRefusedException.class,
					(ex) -> assertThat(ex.className()).isEqualTo("javax.naming.CompositeName"))
			.hasMessageContaining("allowClasses")
			.hasMessageContaining("javax.naming.**");
		assertThat(this.template.children()).isEmpty();
	}

	@Test
	void aResultOutsideTheAllowListIsNotMaterialisedInTheParent() {
		assertThatThrownBy(() -> this.template.submit(() -> new javax.naming.CompositeName("a/b"))
			.get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ClassRefusedException.class,
					(ex) -> assertThat(ex.className()).isEqualTo("javax.naming.CompositeName"))
			.hasMessageContaining("allowClasses");
	}

	@Test
	void anArgumentOverTheFrameLimitFailsBeforeAnyForkNamingTheProperty() {
		ProcessTemplate small = ProcessTemplate.builder().maxFrameBytes(64 * 1024).build();
		try {
			byte[] big = new byte[256 * 1024];
			assertThatThrownBy(() -> small.submit(() -> big.length)).isInstanceOf(SerializationException.class)
				.hasMessageContaining("mp.protocol.max-frame-size");
			assertThat(small.children()).isEmpty();
		}
		finally {
			small.close();
		}
	}

	@Test
	void aResultOverTheFrameLimitFailsTheCallInsteadOfHanging() {
		ProcessTemplate small = ProcessTemplate.builder().maxFrameBytes(64 * 1024).build();
		try {
			assertThatThrownBy(() -> small.submit(() -> new byte[256 * 1024]).get(60, TimeUnit.SECONDS)).cause()
				.isInstanceOf(SerializationException.class)
				.hasMessageContaining("could not be sent back");
		}
		finally {
			small.close();
		}
	}

	@Test
	void aChildThatDoesNotConnectInTimeFailsWithAStartTimeout() {
		ProcessOptions slow = ProcessOptions.builder().startTimeout(java.time.Duration.ofMillis(1)).build();
		ManagedProcess process = this.template.process(() -> {
		}).options(slow).start();
		assertThatThrownBy(process::join).isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("did not complete its handshake");
	}

	@Test
	void aStrangerWithoutTheSecretIsRefused() throws Exception {
		ManagedProcess sleeper = this.template.process(() -> Thread.sleep(60_000)).start();
		java.nio.file.Path socket = this.template.runtime().server().socketPath();
		try (java.nio.channels.SocketChannel stranger = java.nio.channels.SocketChannel
			.open(java.net.UnixDomainSocketAddress.of(socket))) {
			dev.mp.internal.wire.FrameChannel frames = new dev.mp.internal.wire.FrameChannel(stranger, 1024);
			assertThat(frames.read().type()).isEqualTo(dev.mp.internal.wire.FrameType.HELLO);
			frames.write(new dev.mp.internal.wire.Frame(dev.mp.internal.wire.FrameType.HELLO, 0,
					dev.mp.internal.wire.Handshake.hello("w1", new byte[32])));
			assertThat(frames.read()).as("the parent closes the connection").isNull();
		}
		assertThat(java.nio.file.Files.getPosixFilePermissions(socket.getParent()))
			.containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
					java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
					java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
		sleeper.kill();
		sleeper.join();
	}

	@Test
	void aChildThatCannotStartFailsTheCallWithCommandAndStderr() {
		ProcessOptions bad = ProcessOptions.builder().jvmOptions("-XX:+NoSuchOptionAnywhere").build();
		assertThatThrownBy(() -> this.template.submit(() -> 1, bad).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("-XX:+NoSuchOptionAnywhere")
			.hasMessageContaining("Unrecognized VM option");
	}

}

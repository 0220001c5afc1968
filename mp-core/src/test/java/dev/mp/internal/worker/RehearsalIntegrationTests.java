package dev.mp.internal.worker;

import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.internal.codec.CodecIdentity;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training child on a real JVM: its runtime goes a worker's way against the parent its rehearsal plays, never the
 * socket of its bootstrap block, and ends with exit code 0 once that parent has shut it down.
 */
@ExtendWith(NoChildProcessesLeft.class)
class RehearsalIntegrationTests {

	@TempDir
	Path temp;

	@Test
	void aTrainingChildAnswersItsRehearsedParentAndExitsCleanly() throws Exception {
		Path rehearsal = Files.createDirectories(this.temp.resolve("rehearsal"));
		// the classes it loads, which its archive would hold: those of a worker's frames, not only of a connect
		Process child = startWorker("w-training", "-D" + WorkerMain.TRAIN_PROPERTY + "=" + rehearsal,
				"-Xlog:class+load=info:stdout");
		try {
			// stdin stays open, as the trainer keeps it: its end would be the parent's death
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			String output = output("w-training");
			assertThat(output).doesNotContain("mp training:").doesNotContain("mp worker:");
			assertThat(child.exitValue()).isZero();
			assertThat(output).contains("dev.mp.internal.worker.ChildRuntime$1 ", "dev.mp.internal.call.CompactCalls ",
					"dev.mp.internal.mailbox.CallMailbox ");
			// its socket and mailbox were made where its parent said, which deletes them
			assertThat(rehearsal.resolve("s")).exists();
			assertThat(rehearsal.resolve("call")).exists();
		}
		finally {
			child.destroyForcibly();
			child.waitFor();
		}
	}

	@Test
	void aTrainingChildWhoseRehearsalCannotStartFailsWithoutReachingTheRealParent() throws Exception {
		Process child = startWorker("w-training", "-D" + WorkerMain.TRAIN_PROPERTY + "=" + this.temp.resolve("none"));
		try {
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			String output = output("w-training");
			assertThat(child.exitValue()).isEqualTo(WorkerMain.EXIT_NO_PARENT);
			assertThat(output).contains("mp training: cannot make the rehearsal's socket in " + this.temp.resolve("none"))
				.doesNotContain("cannot connect to the parent");
		}
		finally {
			child.destroyForcibly();
			child.waitFor();
		}
	}

	@Test
	void aWorkerThatIsNotTrainingNeverReachesTheRehearsal() throws Exception {
		Process child = startWorker("w-1");
		try {
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			String output = output("w-1");
			assertThat(child.exitValue()).isEqualTo(WorkerMain.EXIT_NO_PARENT);
			assertThat(output).contains("cannot connect to the parent at " + this.temp.resolve("no-parent.sock"));
		}
		finally {
			child.destroyForcibly();
			child.waitFor();
		}
	}

	/**
	 * A worker JVM on this class path, its output and errors merged into {@link #output}, given a bootstrap block whose
	 * socket nobody listens on: only the rehearsal's own gets it ready.
	 */
	private Process startWorker(String workerId, String... systemProperties) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of(systemProperties));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()));
		// into a file, which cannot fill up as a pipe nobody reads would, and stall the child
		Process child = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.temp.resolve(workerId + ".out").toFile())
			.start();
		BootstrapConfig config = new BootstrapConfig(workerId, workerId, new byte[32],
				this.temp.resolve("no-parent.sock").toString(), ProcessHandle.current().pid(), PlainBootstrap.MODE,
				1 << 20, WorkerEnd.ON_SHUTDOWN, Map.of(), Map.of(), "", 0, CodecIdentity.JAVA, 0);
		config.write(new DataOutputStream(child.getOutputStream()));
		return child;
	}

	private String output(String workerId) throws Exception {
		return Files.readString(this.temp.resolve(workerId + ".out"), StandardCharsets.UTF_8);
	}

}

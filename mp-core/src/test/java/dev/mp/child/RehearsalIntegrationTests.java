package dev.mp.child;

import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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
		Path tmp = Files.createDirectories(this.temp.resolve("tmp"));
		Process child = startWorker("w-training", "-D" + WorkerMain.TRAIN_PROPERTY + "=true", "-Djava.io.tmpdir=" + tmp);
		try {
			// stdin stays open, as the trainer keeps it: its end would be the parent's death
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(output).doesNotContain("mp training:").doesNotContain("mp worker:");
			assertThat(child.exitValue()).isZero();
			try (Stream<Path> left = Files.list(tmp)) {
				assertThat(left.map((file) -> file.getFileName().toString()).toList())
					.noneMatch((name) -> name.startsWith("mp-training-"));
			}
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
			String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(child.exitValue()).isEqualTo(WorkerMain.EXIT_NO_PARENT);
			assertThat(output).contains("cannot connect to the parent at " + this.temp.resolve("no-parent.sock"));
		}
		finally {
			child.destroyForcibly();
			child.waitFor();
		}
	}

	/**
	 * A worker JVM on this class path, its output and errors merged, given a bootstrap block whose socket nobody
	 * listens on: only the rehearsal's own gets it ready.
	 */
	private Process startWorker(String workerId, String... systemProperties) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of(systemProperties));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()));
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		BootstrapConfig config = new BootstrapConfig(workerId, workerId, new byte[32],
				this.temp.resolve("no-parent.sock").toString(), ProcessHandle.current().pid(), PlainBootstrap.MODE,
				1 << 20, false, Map.of(), "", 0);
		config.write(new DataOutputStream(child.getOutputStream()));
		return child;
	}

}

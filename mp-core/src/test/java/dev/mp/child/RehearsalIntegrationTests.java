package dev.mp.child;

import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
		Process child = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
				"-D" + WorkerMain.TRAIN_PROPERTY + "=true", "-Djava.io.tmpdir=" + tmp, "-cp",
				System.getProperty("java.class.path"), WorkerMain.class.getName())
			.redirectErrorStream(true)
			.start();
		try {
			// a socket nobody listens on: only the rehearsal's own gets the child ready
			BootstrapConfig config = new BootstrapConfig("w-training", "w-training", new byte[32],
					this.temp.resolve("no-parent.sock").toString(), ProcessHandle.current().pid(), PlainBootstrap.MODE,
					1 << 20, false, Map.of(), "", 0);
			DataOutputStream stdin = new DataOutputStream(child.getOutputStream());
			config.write(stdin);
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
		Process child = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), WorkerMain.class.getName())
			.redirectErrorStream(true)
			.start();
		try {
			BootstrapConfig config = new BootstrapConfig("w-1", "w-1", new byte[32],
					this.temp.resolve("no-parent.sock").toString(), ProcessHandle.current().pid(), PlainBootstrap.MODE,
					1 << 20, false, Map.of(), "", 0);
			config.write(new DataOutputStream(child.getOutputStream()));
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

}

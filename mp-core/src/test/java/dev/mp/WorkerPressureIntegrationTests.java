package dev.mp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Under memory pressure the kernel kills a worker before the application, and a busy worker yields the CPU to it:
 * real child JVMs, read back through Linux's {@code /proc}.
 */
@ExtendWith(NoChildProcessesLeft.class)
class WorkerPressureIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@BeforeAll
	static void onLinux() {
		assumeTrue(Files.isReadable(Path.of("/proc/self/oom_score_adj")), "Linux's /proc");
	}

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void workersAreTheKernelsFirstChoiceUnderMemoryPressure() throws Exception {
		assumeTrue(oomScoreAdjustment(ProcessHandle.current().pid()) < 1000, "this JVM is not at the maximum already");
		long pid = worker(ProcessOptions.defaults());
		assertThat(oomScoreAdjustment(pid)).isEqualTo(1000);
		long configured = worker(ProcessOptions.builder().oomScoreAdjustment(600).build());
		assertThat(oomScoreAdjustment(configured))
			.isEqualTo(Math.max(600, oomScoreAdjustment(ProcessHandle.current().pid())));
	}

	@Test
	void aNiceWorkerRunsEveryThreadAtItsNiceness() throws Exception {
		int expected = Math.min(19, niceness("/proc/self/stat") + 7);
		long pid = worker(ProcessOptions.builder().niceness(7).build());
		assertThat(niceness("/proc/" + pid + "/stat")).isEqualTo(expected);
		// nice executed java in its own process: the pid the launcher knows is the JVM's
		assertThat(ProcessHandle.of(pid).flatMap((process) -> process.info().command()))
			.hasValueSatisfying((command) -> assertThat(command).endsWith("/java"));
		int taskThread = this.template.pool("nice-7")
			.submit(() -> niceness("/proc/thread-self/stat"))
			.get(60, TimeUnit.SECONDS);
		assertThat(taskThread).isEqualTo(expected);
	}

	@Test
	void workersRunAtThisJvmsNicenessByDefault() throws Exception {
		long pid = worker(ProcessOptions.defaults());
		assertThat(niceness("/proc/" + pid + "/stat")).isEqualTo(niceness("/proc/self/stat"));
	}

	@Test
	void outOfRangeValuesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessOptions.builder().niceness(20).build())
			.withMessageContaining("19");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessOptions.builder().niceness(-1).build());
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessOptions.builder().oomScoreAdjustment(-1).build())
			.withMessageContaining("privilege");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProcessOptions.builder().oomScoreAdjustment(1001).build());
	}

	/** Starts a one-worker pool with these options, named after them, and returns its worker's pid once ready. */
	private long worker(ProcessOptions options) throws Exception {
		String name = (options.niceness() > 0) ? "nice-" + options.niceness() : "oom-" + options.oomScoreAdjustment();
		ProcessPool pool = this.template.pool(name,
				PoolOptions.builder().size(1).minIdle(0).processOptions(options).build());
		return pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
	}

	private static int oomScoreAdjustment(long pid) throws IOException {
		return Integer.parseInt(Files.readString(Path.of("/proc", Long.toString(pid), "oom_score_adj")).strip());
	}

	/** Field 19 of a {@code stat} file, counted after the command name, which may hold spaces. */
	static int niceness(String stat) {
		try {
			String line = Files.readString(Path.of(stat));
			String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
			return Integer.parseInt(fields[19 - 3]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

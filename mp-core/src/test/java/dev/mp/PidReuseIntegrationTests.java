package dev.mp;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.test.NoChildProcessesLeft;
import dev.mp.test.PidReuse;
import dev.mp.test.PidReuse.Bystander;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A signal reaches only a live child of ours: once a child has exited, its pid may belong to a stranger, whose
 * children the JDK would list as the child's descendants.
 */
@ExtendWith(NoChildProcessesLeft.class)
class PidReuseIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void terminateAndKillOfAnExitedProcessReachNobodyWhoTookItsPid() throws Exception {
		ManagedProcess process = this.template.process(() -> {
		}).name("short").start();
		process.join();
		assertThat(process.exitCode()).hasValue(0);

		try (Bystander bystander = PidReuse.bystanderWithPid(process.pid()).orElse(null)) {
			assumeThat(bystander).as("pid reuse can be steered here (root, /proc/sys/kernel/ns_last_pid)").isNotNull();
			process.terminate();
			process.kill();
			ChildProcess remembered = this.template.child(process.pid()).orElseThrow();
			remembered.terminate();
			remembered.kill();

			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(bystander::bothAlive);
			assertThat(process.exitCode()).as("the exit facts stay the child's").hasValue(0);
		}
	}

}

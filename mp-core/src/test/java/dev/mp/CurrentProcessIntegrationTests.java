package dev.mp;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.sync.ProcessQueue;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Python's {@code current_process()} and {@code parent_process()}: each JVM sees its own name and its parent.
 */
@ExtendWith(NoChildProcessesLeft.class)
class CurrentProcessIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aJvmMpDidNotStartIsTheMainProcessWithNoParent() {
		assertThat(CurrentProcess.name()).isEqualTo(CurrentProcess.MAIN_PROCESS);
		assertThat(CurrentProcess.isChild()).isFalse();
		assertThat(CurrentProcess.parent()).isEmpty();
		assertThat(CurrentProcess.pid()).isEqualTo(ProcessHandle.current().pid());
	}

	@Test
	void aProcessSeesTheNameItWasGivenAndThisJvmAsItsParent() throws Exception {
		ProcessQueue<String> seen = this.template.queue();
		ManagedProcess process = this.template.process((ProcessQueue<String> queue) -> {
			try {
				queue.put(CurrentProcess.name() + " " + CurrentProcess.isChild() + " " + CurrentProcess.pid() + " "
						+ CurrentProcess.parent().map(ProcessHandle::pid).orElse(-1L));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, seen).name("greeter").start();
		process.join();
		assertThat(process.exitCode()).hasValue(0);
		assertThat(seen.poll(10, TimeUnit.SECONDS))
			.isEqualTo("greeter true " + process.pid() + " " + ProcessHandle.current().pid());
	}

	@Test
	void aPoolWorkerSeesItsOwnName() throws Exception {
		ProcessPool pool = this.template.pool("named", PoolOptions.builder().size(1).build());
		String name = pool.submit(CurrentProcess::name).get(60, TimeUnit.SECONDS);
		assertThat(name).isEqualTo(pool.workers().get(0).name()).startsWith("named-");
		assertThat(pool.submit(() -> CurrentProcess.parent().map(ProcessHandle::pid).orElse(-1L))
			.get(60, TimeUnit.SECONDS)).isEqualTo(ProcessHandle.current().pid());
	}

}

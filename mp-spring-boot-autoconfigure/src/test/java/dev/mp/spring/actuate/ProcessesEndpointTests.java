package dev.mp.spring.actuate;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;
import dev.mp.spring.actuate.ProcessesEndpoint.ProcessDescriptor;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(NoChildProcessesLeft.class)
class ProcessesEndpointTests {

	private final ProcessTemplate template = new ProcessTemplate();

	private final ProcessesEndpoint endpoint = new ProcessesEndpoint(this.template);

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void listsDescribesAndTerminatesRealChildren() throws Exception {
		ManagedProcess sleeper = this.template.process(() -> Thread.sleep(60_000)).name("sleeper").start();
		ProcessDescriptor listed = this.endpoint.processes().processes().get(0);
		assertThat(listed.pid()).isEqualTo(sleeper.pid()).isNotEqualTo(ProcessHandle.current().pid());
		assertThat(listed.name()).isEqualTo("sleeper");
		assertThat(listed.alive()).isTrue();
		assertThat(listed.exitCode()).isNull();
		assertThat(listed.bootstrapMode()).isEqualTo("plain");
		assertThat(listed.runs()).startsWith("process ");
		assertThat(listed.startTime()).isNotNull();
		assertThat(ProcessHandle.of(listed.pid()).map(ProcessHandle::isAlive)).hasValue(true);
		assertThat(listed.outputTail()).as("only for an exited child").isNull();
		assertThat(listed.exitReason()).isNull();
		assertThat(listed.launcher()).isEqualTo("local");
		assertThat(listed.placement()).isEmpty();
		org.awaitility.Awaitility.await().until(() -> this.endpoint.process(sleeper.pid()).residentMemory() != null);
		assertThat(this.endpoint.process(sleeper.pid()).residentMemory()).isGreaterThan(1024L * 1024);

		assertThat(this.endpoint.process(sleeper.pid())).isNotNull();
		assertThat(this.endpoint.process(-42)).isNull();
		assertThat(this.endpoint.terminate(-42)).isNull();

		this.endpoint.terminate(sleeper.pid());
		sleeper.onExit().get(30, TimeUnit.SECONDS);
		ProcessDescriptor exited = this.endpoint.process(sleeper.pid());
		assertThat(exited.state()).isEqualTo(ProcessState.EXITED);
		assertThat(exited.alive()).isFalse();
		assertThat(exited.exitCode()).isEqualTo(-15);
		assertThat(exited.exitReason()).contains("SIGTERM");
		assertThat(exited.outputTail()).isNotNull();
		assertThat(exited.residentMemory()).isNull();
	}

}

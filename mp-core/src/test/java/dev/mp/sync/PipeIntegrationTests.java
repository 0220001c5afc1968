package dev.mp.sync;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipes between the test JVM and a real child JVM.
 */
@ExtendWith(NoChildProcessesLeft.class)
class PipeIntegrationTests {

	private final ProcessTemplate template = new ProcessTemplate();

	private SharedObjects shared;

	@BeforeEach
	void open() {
		this.shared = TestSharedObjects.open();
	}

	@AfterEach
	void close() {
		this.template.close();
		this.shared.close();
	}

	@Test
	void pingPongWithAChildOverADuplexPipe() throws Exception {
		Pipe<Object> pipe = Pipe.create(this.shared, true, 4096);
		this.shared.register(pipe.first());
		this.shared.register(pipe.second());
		ManagedProcess child = this.template.process(PipeIntegrationTests::answer, pipe.second()).start();
		Connection<Object> mine = pipe.first();
		for (int i = 0; i < 1_000; i += 2) {
			mine.send(i);
			assertThat(mine.recv()).isEqualTo(i + 1);
		}
		// a message larger than the ring, both ways
		byte[] big = RingTests.payload(3, 4, 100_000);
		mine.send(big);
		assertThat(mine.recvBytes()).isEqualTo(big);
		mine.send("stop");
		assertThat(mine.recv()).isEqualTo("stopped");
		child.join();
		assertThat(child.exitCode()).hasValue(0);
	}

	static void answer(Connection<Object> connection) throws InterruptedException {
		while (true) {
			Object message = connection.recv();
			if (message instanceof Integer number) {
				connection.send(number + 1);
			}
			else if (message instanceof byte[] bytes) {
				connection.sendBytes(bytes, 0, bytes.length);
			}
			else {
				connection.send("stopped");
				return;
			}
		}
	}

	@Test
	void aChildSendsOnTheSendingEndOfAOneWayPipe() throws Exception {
		Pipe<String> pipe = Pipe.create(this.shared, false, 4096);
		this.shared.register(pipe.first());
		this.shared.register(pipe.second());
		ManagedProcess child = this.template.process(PipeIntegrationTests::greet, pipe.second()).start();
		assertThat(pipe.first().recv()).isEqualTo("hello from " + child.pid());
		child.join();
		assertThat(child.exitCode()).hasValue(0);
	}

	static void greet(Connection<String> sending) throws InterruptedException {
		sending.send("hello from " + ProcessHandle.current().pid());
	}

}

package dev.mp.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

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
		Pipe<Object> pipe = pipe(true);
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
		Pipe<String> pipe = pipe(false);
		ManagedProcess child = this.template.process(PipeIntegrationTests::greet, pipe.second()).start();
		assertThat(pipe.first().recv()).isEqualTo("hello from " + child.pid());
		child.join();
		assertThat(child.exitCode()).hasValue(0);
	}

	static void greet(Connection<String> sending) throws InterruptedException {
		sending.send("hello from " + ProcessHandle.current().pid());
	}

	@Test
	void whenTheChildClosesItsEndTheParentReceivesWhatIsLeftThenEndOfFile() throws Exception {
		Pipe<Object> pipe = pipe(true);
		ProcessEvent exit = this.template.event();
		ManagedProcess child = this.template.process((Connection<Object> end) -> {
			for (int i = 1; i <= 3; i++) {
				end.send(i);
			}
			end.close();
			exit.await();
		}, pipe.second()).start();
		Connection<Object> mine = pipe.first();
		assertThat(mine.recv()).isEqualTo(1);
		// the child has its end now: close the parent's copy, as in Python
		pipe.second().close();
		assertThat(mine.recv()).isEqualTo(2);
		assertThat(mine.recv()).isEqualTo(3);
		assertThat(mine.poll(30, TimeUnit.SECONDS)).as("end of file").isTrue();
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(mine::recv)
			.withMessageContaining("nothing is left to receive");
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(() -> mine.send("late"));
		assertThat(child.isAlive()).as("the child closed its end and still runs").isTrue();
		exit.set();
		child.join();
		assertThat(child.exitCode()).hasValue(0);
	}

	@Test
	void whenTheChildIsKilledHoldingItsEndAWaitingRecvThrowsInsteadOfHanging() throws Exception {
		Pipe<Object> pipe = pipe(true);
		ManagedProcess child = this.template.process((Connection<Object> end) -> {
			end.send("ready");
			end.recv();
		}, pipe.second()).start();
		Connection<Object> mine = pipe.first();
		assertThat(mine.recv()).isEqualTo("ready");
		pipe.second().close();
		assertThat(mine.poll()).as("the child still holds its end").isFalse();
		CompletableFuture<Object> waiting = new CompletableFuture<>();
		Thread receiver = new Thread(() -> {
			try {
				waiting.complete(mine.recv());
			}
			catch (Throwable ex) {
				waiting.completeExceptionally(ex);
			}
		});
		receiver.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> receiver.getState() == Thread.State.TIMED_WAITING);
		child.kill();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
			.withCauseInstanceOf(PipeClosedException.class);
		receiver.join();
		assertThat(mine.poll()).isTrue();
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(() -> mine.send("to the dead"));
		child.join();
	}

	@Test
	void aOneWayPipeEndsWhenTheChildThatSendsExitsAndRefusesSendsOnceTheChildThatReceivesExited() throws Exception {
		Pipe<String> fromChild = pipe(false);
		ManagedProcess sender = this.template.process(PipeIntegrationTests::greet, fromChild.second()).start();
		assertThat(fromChild.first().recv()).startsWith("hello from");
		fromChild.second().close();
		sender.join();
		assertThat(fromChild.first().poll(30, TimeUnit.SECONDS)).as("end of file").isTrue();
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(fromChild.first()::recv);

		Pipe<String> toChild = pipe(false);
		ManagedProcess receiver = this.template.process((Connection<String> receiving) -> receiving.recv(),
				toChild.first())
			.start();
		toChild.second().send("hello");
		receiver.join();
		assertThat(receiver.exitCode()).hasValue(0);
		toChild.first().close();
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(() -> toChild.second().send("anyone?"))
			.withMessageContaining("nothing can be sent");
	}

	private <E> Pipe<E> pipe(boolean duplex) {
		Pipe<E> pipe = Pipe.create(this.shared, duplex, 4096);
		this.shared.register(pipe.first());
		this.shared.register(pipe.second());
		return pipe;
	}

}

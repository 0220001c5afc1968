package dev.mp.sync;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mp.internal.codec.ClassAllowList;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Pipes within one process: directions, one-way ends, closing, end of file, and message kinds.
 */
class PipeTests {

	private SharedObjects shared;

	@BeforeEach
	void open() {
		this.shared = TestSharedObjects.open(ClassAllowList.withDefaults(List.of()), 1 << 20);
	}

	@AfterEach
	void close() {
		this.shared.close();
	}

	@Test
	void aDuplexPipeCarriesMessagesBothWaysInOrder() throws Exception {
		Pipe<Object> pipe = pipe(true);
		assertThat(pipe.isDuplex()).isTrue();
		assertThat(pipe.first().poll()).isFalse();
		pipe.first().send("to second");
		pipe.first().send(null);
		pipe.second().send(List.of("to", "first"));
		assertThat(pipe.second().poll()).isTrue();
		assertThat(pipe.second().recv()).isEqualTo("to second");
		assertThat(pipe.second().recv()).isNull();
		assertThat(pipe.second().poll()).isFalse();
		assertThat(pipe.first().poll(1, TimeUnit.SECONDS)).isTrue();
		assertThat(pipe.first().recv()).isEqualTo(List.of("to", "first"));
	}

	@Test
	void aOneWayPipeReceivesOnTheFirstEndAndSendsOnTheSecond() throws Exception {
		Pipe<String> pipe = pipe(false);
		assertThat(pipe.isDuplex()).isFalse();
		Connection<String> receiving = pipe.first();
		Connection<String> sending = pipe.second();
		assertThat(receiving.canSend()).isFalse();
		assertThat(sending.canReceive()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> receiving.send("no"))
			.withMessageContaining("receiving end of a one-way pipe")
			.withMessageContaining("cannot send");
		assertThatIllegalStateException().isThrownBy(sending::recv).withMessageContaining("cannot receive");
		assertThatIllegalStateException().isThrownBy(sending::poll).withMessageContaining("cannot receive");
		sending.send("yes");
		assertThat(receiving.recv()).isEqualTo("yes");
	}

	@Test
	void bytesAreSentFromASliceAndReceivedExactly() throws Exception {
		Pipe<Object> pipe = pipe(true);
		byte[] buffer = { 1, 2, 3, 4, 5 };
		pipe.first().sendBytes(buffer, 1, 3);
		assertThat(pipe.second().recvBytes()).containsExactly(2, 3, 4);
		pipe.first().send(42);
		assertThatIllegalStateException().isThrownBy(pipe.second()::recvBytes).withMessageContaining("not bytes");
	}

	@Test
	void aClosedEndRefusesCallsAndPollTimesOut() throws Exception {
		Pipe<String> pipe = pipe(true);
		long start = System.nanoTime();
		assertThat(pipe.second().poll(50, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
		pipe.first().close();
		assertThat(pipe.first().isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> pipe.first().send("x")).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(pipe.first()::recv).withMessageContaining("closed");
	}

	@Test
	void closingAnEndEndsThePipeOnceWhatWasSentIsReceived() throws Exception {
		Pipe<Object> pipe = pipe(true);
		pipe.first().send("last words");
		pipe.first().sendBytes(new byte[] { 1 }, 0, 1);
		pipe.first().close();
		Connection<Object> other = pipe.second();
		assertThat(other.recv()).isEqualTo("last words");
		assertThat(other.recvBytes()).containsExactly(1);
		assertThat(other.poll()).as("a recv would not wait").isTrue();
		assertThat(other.poll(1, TimeUnit.MINUTES)).isTrue();
		assertThat(Wait.forAny(List.of(other), Duration.ZERO)).containsExactly(other);
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(other::recv)
			.withMessageContaining("nothing is left to receive");
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(other::recvBytes);
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(() -> other.send("to no one"))
			.withMessageContaining("nothing can be sent");
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(() -> other.sendBytes(new byte[1], 0, 1));
	}

	@Test
	void aOneWayPipeEndsWhenEitherEndIsClosed() throws Exception {
		Pipe<String> senderClosed = pipe(false);
		senderClosed.second().send("only");
		senderClosed.second().close();
		assertThat(senderClosed.first().recv()).isEqualTo("only");
		assertThat(senderClosed.first().poll()).isTrue();
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(senderClosed.first()::recv);

		Pipe<String> receiverClosed = pipe(false);
		receiverClosed.first().close();
		assertThatExceptionOfType(PipeClosedException.class).isThrownBy(() -> receiverClosed.second().send("lost"));
	}

	private <E> Pipe<E> pipe(boolean duplex) {
		Pipe<E> pipe = Pipe.create(this.shared, duplex, 4096);
		this.shared.register(pipe.first());
		this.shared.register(pipe.second());
		return pipe;
	}

}

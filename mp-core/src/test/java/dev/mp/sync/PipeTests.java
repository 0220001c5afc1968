package dev.mp.sync;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mp.internal.codec.ClassAllowList;
import dev.mp.test.TestSharedObjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Pipes within one process: directions, one-way ends, closing, and message kinds.
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

	private <E> Pipe<E> pipe(boolean duplex) {
		Pipe<E> pipe = Pipe.create(this.shared, duplex, 4096);
		this.shared.register(pipe.first());
		this.shared.register(pipe.second());
		return pipe;
	}

}

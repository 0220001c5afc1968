package dev.mp.sync;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mp.wire.Frame;
import dev.mp.wire.FrameType;
import dev.mp.wire.ProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool worker's call mailbox, with two threads standing for the parent and the worker: what is posted while the
 * other side looks is taken with its bytes, nothing is posted to a side that does not look, a frame on the socket
 * ends the worker's look, and under races between posting and giving up every call and answer arrives exactly once,
 * by the mailbox or by the fallback.
 */
class CallMailboxTests {

	private static final long LONG_LOOK = TimeUnit.SECONDS.toNanos(10);

	private SharedObjects shared;

	private CallMailbox parent;

	private CallMailbox worker;

	@BeforeEach
	void open() throws Exception {
		this.shared = TestSharedObjects.open();
		this.parent = this.shared.mailbox(1024);
		this.worker = CallMailbox.open(this.parent.file());
	}

	@AfterEach
	void close() {
		this.parent.close();
		this.shared.close();
	}

	@Test
	void aCallPostedWhileTheWorkerLooksIsTakenWithItsBytesAndSoIsItsAnswer() throws Exception {
		this.worker.openInbox();
		CompletableFuture<Frame> taken = CompletableFuture.supplyAsync(() -> this.worker.awaitCall(LONG_LOOK, 0));
		Frame call = new Frame(FrameType.COMPACT_CALL, 7, bytes(100, 1));
		postWhenLooking(call);
		Frame received = taken.get(10, TimeUnit.SECONDS);
		assertThat(received.type()).isEqualTo(FrameType.COMPACT_CALL);
		assertThat(received.correlationId()).isEqualTo(7);
		assertThat(received.payload()).isEqualTo(call.payload());

		CompletableFuture<Frame> answer = CompletableFuture
			.supplyAsync(() -> this.parent.awaitAnswer(LONG_LOOK, () -> false));
		Frame failure = new Frame(FrameType.FAILURE, 7, bytes(1024, 2));
		while (!this.worker.answer(failure, 0)) {
			assertThat(answer).isNotDone();
			Thread.onSpinWait();
		}
		Frame back = answer.get(10, TimeUnit.SECONDS);
		assertThat(back.type()).isEqualTo(FrameType.FAILURE);
		assertThat(back.correlationId()).isEqualTo(7);
		assertThat(back.payload()).isEqualTo(failure.payload());
	}

	@Test
	void nothingIsPostedToASideThatDoesNotLookOrThatItDoesNotFit() {
		assertThat(this.parent.post(new Frame(FrameType.CALL, 1, bytes(10, 3)))).isFalse();
		assertThat(this.worker.answer(new Frame(FrameType.RESULT, 1, bytes(10, 3)), 0)).isFalse();
		this.worker.openInbox();
		CompletableFuture<Frame> taken = CompletableFuture.supplyAsync(() -> this.worker.awaitCall(LONG_LOOK, 0));
		postWhenLooking(new Frame(FrameType.CALL, 2, bytes(1, 0)));
		assertThat(taken.join().correlationId()).isEqualTo(2);
		assertThat(this.parent.post(new Frame(FrameType.CALL, 3, bytes(1, 0)))).isFalse();
		this.worker.openInbox();
		CompletableFuture<Frame> next = CompletableFuture.supplyAsync(() -> this.worker.awaitCall(LONG_LOOK, 0));
		assertThat(this.parent.post(new Frame(FrameType.CALL, 3, bytes(1025, 4)))).isFalse();
		postWhenLooking(new Frame(FrameType.CALL, 4, bytes(0, 0)));
		assertThat(next.join().correlationId()).isEqualTo(4);
		assertThat(next.join().payload()).isEmpty();
	}

	@Test
	void aLookThatEndsReturnsNothingAndALookGivenUpForAnAnswerElsewhereEndsAtOnce() {
		this.worker.openInbox();
		assertThat(this.worker.awaitCall(TimeUnit.MICROSECONDS.toNanos(50), 0)).isNull();
		assertThat(this.parent.post(new Frame(FrameType.CALL, 1, bytes(1, 0)))).isFalse();
		long start = System.nanoTime();
		assertThat(this.parent.awaitAnswer(LONG_LOOK, () -> true)).isNull();
		assertThat(System.nanoTime() - start).isLessThan(LONG_LOOK);
		assertThat(this.worker.answer(new Frame(FrameType.RESULT, 1, bytes(1, 0)), 0)).isFalse();
	}

	/** What a broken worker leaves in its outbox fails as a protocol error and does not block the box. */
	@Test
	void anAnswerThatCannotBeOneIsAProtocolErrorAndTheBoxStaysUsable() throws Exception {
		CompletableFuture<Frame> look = CompletableFuture
			.supplyAsync(() -> this.parent.awaitAnswer(LONG_LOOK, () -> false));
		while (!this.worker.answer(new Frame(FrameType.SHUTDOWN, 1, bytes(3, 1)), 0)) {
			Thread.onSpinWait();
		}
		assertThatThrownBy(() -> look.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ProtocolException.class)
			.hasMessageContaining("SHUTDOWN frame in the answer box");
		CompletableFuture<Frame> next = CompletableFuture
			.supplyAsync(() -> this.parent.awaitAnswer(LONG_LOOK, () -> false));
		while (!this.worker.answer(new Frame(FrameType.RESULT, 2, bytes(3, 2)), 0)) {
			Thread.onSpinWait();
		}
		assertThat(next.get(10, TimeUnit.SECONDS).correlationId()).isEqualTo(2);
	}

	@Test
	void aFrameWrittenToTheSocketEndsTheWorkersLookAtOnce() throws Exception {
		this.worker.openInbox();
		long start = System.nanoTime();
		CompletableFuture<Frame> look = CompletableFuture.supplyAsync(() -> this.worker.awaitCall(LONG_LOOK, 0));
		this.parent.announceSocketFrame();
		assertThat(look.get(LONG_LOOK / 2, TimeUnit.NANOSECONDS)).isNull();
		assertThat(System.nanoTime() - start).isLessThan(LONG_LOOK / 2);
		assertThat(this.parent.post(new Frame(FrameType.CALL, 1, bytes(1, 0)))).isFalse();
		// that frame read, the next look lasts until a call comes
		this.worker.openInbox();
		CompletableFuture<Frame> next = CompletableFuture.supplyAsync(() -> this.worker.awaitCall(LONG_LOOK, 1));
		postWhenLooking(new Frame(FrameType.CALL, 2, bytes(1, 0)));
		assertThat(next.get(10, TimeUnit.SECONDS).correlationId()).isEqualTo(2);
	}

	/**
	 * Looks of up to 200 µs, so that many end just as the other side posts and others catch it: each call and answer must
	 * still arrive once, in order, with its own bytes, through the mailbox or through the fallback queues that stand
	 * for the socket.
	 */
	@Test
	void underRacesEveryCallAndAnswerArrivesExactlyOnce() throws Exception {
		int calls = 20_000;
		BlockingQueue<Frame> callSocket = new LinkedBlockingQueue<>();
		BlockingQueue<Frame> answerSocket = new LinkedBlockingQueue<>();
		AtomicInteger byMailbox = new AtomicInteger();
		CompletableFuture<Void> workerSide = CompletableFuture.runAsync(() -> {
			Random random = new Random(1);
			long framesRead = 0;
			try {
				this.worker.openInbox();
				for (int i = 1; i <= calls; i++) {
					Frame call = this.worker.awaitCall(random.nextInt(200_000), framesRead);
					if (call == null) {
						call = callSocket.take();
						framesRead++;
					}
					else {
						byMailbox.incrementAndGet();
					}
					assertThat(call.correlationId()).isEqualTo(i);
					assertThat(call.payload()).isEqualTo(bytes(i % 200, i));
					Frame answer = new Frame(FrameType.RESULT, i, bytes(i % 300, -i));
					this.worker.openInbox();
					if (!this.worker.answer(answer, random.nextInt(2) * 5_000)) {
						answerSocket.put(answer);
					}
				}
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		Random random = new Random(2);
		for (int i = 1; i <= calls; i++) {
			Frame call = new Frame(FrameType.CALL, i, bytes(i % 200, i));
			if (!this.parent.post(call)) {
				this.parent.announceSocketFrame();
				callSocket.put(call);
			}
			Frame answer = this.parent.awaitAnswer(random.nextInt(200_000), () -> !answerSocket.isEmpty());
			if (answer == null) {
				answer = answerSocket.poll(10, TimeUnit.SECONDS);
			}
			else {
				byMailbox.incrementAndGet();
			}
			assertThat(answer).isNotNull();
			assertThat(answer.correlationId()).isEqualTo(i);
			assertThat(answer.payload()).isEqualTo(bytes(i % 300, -i));
		}
		workerSide.get(30, TimeUnit.SECONDS);
		assertThat(callSocket).isEmpty();
		assertThat(answerSocket).isEmpty();
		// both ways were taken: the races were real
		assertThat(byMailbox.get()).isPositive().isLessThan(2 * calls);
	}

	private void postWhenLooking(Frame call) {
		long deadline = System.nanoTime() + LONG_LOOK;
		while (!this.parent.post(call)) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private static byte[] bytes(int length, int seed) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) seed);
		if (length > 0) {
			bytes[length - 1] = (byte) (seed >> 8);
		}
		return bytes;
	}

}

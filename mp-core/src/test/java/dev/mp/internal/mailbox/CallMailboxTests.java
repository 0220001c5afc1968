package dev.mp.internal.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mp.internal.wire.BufferStreams;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.PlainValues;
import dev.mp.internal.wire.ProtocolException;
import dev.mp.sync.SharedObjects;
import dev.mp.test.TestSharedObjects;

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

	private static final int MAX_FRAME = 64 << 20;

	private SharedObjects shared;

	private CallMailbox parent;

	private CallMailbox worker;

	@BeforeEach
	void open() throws Exception {
		this.shared = TestSharedObjects.open();
		this.parent = CallMailbox.create(this.shared.directory(), 1024);
		this.worker = CallMailbox.open(this.parent.file());
		this.worker.announceMapped();
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
			.supplyAsync(() -> this.parent.awaitAnswer(LONG_LOOK, LONG_LOOK, () -> false));
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
		assertThat(this.parent.awaitAnswer(LONG_LOOK, LONG_LOOK, () -> true)).isNull();
		assertThat(System.nanoTime() - start).isLessThan(LONG_LOOK);
		assertThat(this.worker.answer(new Frame(FrameType.RESULT, 1, bytes(1, 0)), 0)).isFalse();
	}

	/** What a broken worker leaves in its outbox fails as a protocol error and does not block the box. */
	@Test
	void anAnswerThatCannotBeOneIsAProtocolErrorAndTheBoxStaysUsable() throws Exception {
		CompletableFuture<Frame> look = CompletableFuture
			.supplyAsync(() -> this.parent.awaitAnswer(LONG_LOOK, LONG_LOOK, () -> false));
		while (!this.worker.answer(new Frame(FrameType.SHUTDOWN, 1, bytes(3, 1)), 0)) {
			Thread.onSpinWait();
		}
		assertThatThrownBy(() -> look.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ProtocolException.class)
			.hasMessageContaining("SHUTDOWN frame in the answer box");
		CompletableFuture<Frame> next = CompletableFuture
			.supplyAsync(() -> this.parent.awaitAnswer(LONG_LOOK, LONG_LOOK, () -> false));
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
	 * A payload too large for a slot is staged: written into a file of its own and read where it lies, while the frame
	 * that travels only names it. Until it is read nothing more is staged that way (the caller sends whole); a larger
	 * payload makes a new generation of the file and removes the old one. Both ways; the parent removes all at close.
	 */
	@Test
	void aPayloadTooLargeForASlotIsStagedReadInPlaceAndItsRoomUsedAgainOnceRead() throws Exception {
		assertThat(this.parent.stage(FrameType.COMPACT_CALL, 1, Payload.of(bytes(1024, 1)), MAX_FRAME)).isNull();
		byte[] call = bytes(4096, 2);
		Frame staged = this.parent.stage(FrameType.COMPACT_CALL, 2, Payload.plain(call), MAX_FRAME);
		assertThat(staged.type()).isEqualTo(FrameType.STAGED);
		assertThat(staged.correlationId()).isEqualTo(2);
		assertThat(staged.payload()).hasSizeLessThan(16);
		assertThat(this.parent.stage(FrameType.CALL, 3, Payload.of(bytes(4096, 3)), MAX_FRAME)).as("unread").isNull();
		try (StagedPayload read = this.worker.openStaged(staged, MAX_FRAME)) {
			assertThat(read.type()).isEqualTo(FrameType.COMPACT_CALL);
			assertThat(read.payload().isDirect()).isTrue();
			assertThat(PlainValues.decode(read.payload())).isEqualTo(call);
		}
		byte[] larger = bytes(3 << 20, 4);
		Frame grown = this.parent.stage(FrameType.CALL, 4, Payload.of(larger), MAX_FRAME);
		assertThat(stagedFiles()).containsExactly("down-2");
		try (StagedPayload read = this.worker.openStaged(grown, MAX_FRAME)) {
			assertThat(read.type()).isEqualTo(FrameType.CALL);
			assertThat(BufferStreams.bytes(read.payload())).isEqualTo(larger);
		}
		Frame answer = this.worker.stage(FrameType.PLAIN_RESULT, 4, Payload.plain(call), MAX_FRAME);
		try (StagedPayload read = this.parent.openStaged(answer, MAX_FRAME)) {
			assertThat(read.type()).isEqualTo(FrameType.PLAIN_RESULT);
			assertThat(PlainValues.decode(read.payload())).isEqualTo(call);
		}
		assertThat(stagedFiles()).containsExactlyInAnyOrder("down-2", "up-1");
		this.parent.close();
		assertThat(stagedFiles()).isEmpty();
		assertThat(this.parent.file()).doesNotExist();
	}

	/** A worker that could not map its mailbox could not read a staged call either: it gets calls whole. */
	@Test
	void nothingIsStagedForAWorkerThatHasNotMappedItsMailbox() throws Exception {
		CallMailbox unmapped = CallMailbox.create(this.shared.directory(), 1024);
		try {
			assertThat(unmapped.stage(FrameType.CALL, 1, Payload.of(bytes(4096, 1)), MAX_FRAME)).isNull();
			assertThat(this.parent.stage(FrameType.CALL, 1, Payload.of(bytes(4096, 1)), MAX_FRAME)).isNotNull();
		}
		finally {
			unmapped.close();
		}
	}

	@Test
	void aStagedFrameThatNamesNothingStagedIsAProtocolError() {
		assertThatThrownBy(() -> this.worker.openStaged(new Frame(FrameType.STAGED, 1, new byte[3]), MAX_FRAME))
			.isInstanceOf(ProtocolException.class).hasMessageContaining("staged frame of 3 bytes");
		assertThatThrownBy(() -> this.worker.openStaged(pointer(1, 10), MAX_FRAME))
			.isInstanceOf(ProtocolException.class).hasMessageContaining("cannot be mapped");
		Frame staged = this.parent.stage(FrameType.CALL, 2, Payload.of(bytes(4096, 1)), MAX_FRAME);
		assertThatThrownBy(() -> this.worker.openStaged(pointer(1, Integer.MAX_VALUE), MAX_FRAME))
			.isInstanceOf(ProtocolException.class).hasMessageContaining("Staged payload of " + Integer.MAX_VALUE);
		this.worker.openStaged(staged, MAX_FRAME).close();
		assertThatThrownBy(() -> this.worker.openStaged(staged, MAX_FRAME)).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("marked free");
		assertThatThrownBy(() -> this.worker.openStaged(pointer(0, 10), MAX_FRAME)).isInstanceOf(ProtocolException.class)
			.hasMessageContaining("generation 0");
	}

	/** Where no file can be made (a full /dev/shm), nothing is staged and the payload goes whole. */
	@Test
	void whereNoFileCanBeMadeNothingIsStaged() {
		BulkSlot nowhere = new BulkSlot(this.shared.directory().resolve("missing").resolve("call-0-down-").toString());
		assertThat(nowhere.stage(FrameType.CALL, 1, Payload.of(bytes(4096, 1)), MAX_FRAME)).isNull();
		assertThat(nowhere.unread()).isFalse();
	}

	/**
	 * A look lasts while the other side reads the payload this side staged: the worker that staged a large answer is
	 * still looking for the next call, far beyond its own spin, when the caller has read the answer and calls again.
	 */
	@Test
	void aLookLastsWhileTheOtherSideReadsWhatThisSideStaged() throws Exception {
		Frame answer = this.worker.stage(FrameType.PLAIN_RESULT, 1, Payload.plain(bytes(4096, 1)), MAX_FRAME);
		this.worker.openInbox();
		CompletableFuture<Frame> look = CompletableFuture
			.supplyAsync(() -> this.worker.awaitCall(TimeUnit.MICROSECONDS.toNanos(200), 0));
		assertThatThrownBy(() -> look.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
		this.parent.openStaged(answer, MAX_FRAME).close();
		postWhenLooking(new Frame(FrameType.COMPACT_CALL, 2, bytes(10, 2)));
		assertThat(look.get(10, TimeUnit.SECONDS).correlationId()).isEqualTo(2);
	}

	private static Frame pointer(int generation, int length) {
		return new Frame(FrameType.STAGED, 1,
				ByteBuffer.allocate(9).put(FrameType.CALL.code()).putInt(generation).putInt(length).array());
	}

	/** The staged payloads' files of the mailbox under test, without its own name. */
	private List<String> stagedFiles() throws IOException {
		String prefix = this.parent.file().getFileName() + "-";
		try (Stream<Path> files = Files.list(this.shared.directory())) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.startsWith(prefix))
				.map((name) -> name.substring(prefix.length()))
				.toList();
		}
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
			Frame answer = this.parent.awaitAnswer(random.nextInt(200_000), LONG_LOOK, () -> !answerSocket.isEmpty());
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

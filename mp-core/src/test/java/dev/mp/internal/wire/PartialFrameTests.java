package dev.mp.internal.wire;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A frame gathered from a non-blocking channel a piece at a time is the frame {@link FrameChannel} writes, and a
 * length beyond the limit is refused before anything is allocated for it.
 */
class PartialFrameTests {

	/** Reads after which a test gives up, far more than its frames take: so that a bug fails it rather than hangs. */
	private static final int MAX_READS = 10_000;

	@Test
	void aFrameArrivingAByteAtATimeIsTheFrameWritten() throws Exception {
		byte[] payload = { 1, 2, 3, 4, 5 };
		Trickle wire = new Trickle(FrameChannel.encoded(new Frame(FrameType.HELLO, 42, payload)));
		PartialFrame partial = new PartialFrame(1024);
		Frame frame = null;
		int reads = 0;
		while (frame == null && reads < MAX_READS) {
			frame = partial.readFrom(wire);
			reads++;
		}
		assertThat(frame).isNotNull();
		assertThat(reads).isGreaterThan(payload.length);
		assertThat(frame.type()).isEqualTo(FrameType.HELLO);
		assertThat(frame.correlationId()).isEqualTo(42);
		assertThat(frame.payload()).isEqualTo(payload);
	}

	@Test
	void aLengthBeyondTheLimitIsRefusedOnceThePrefixIsIn() throws Exception {
		Trickle wire = new Trickle(ByteBuffer.allocate(13).putInt(Integer.MAX_VALUE).flip());
		PartialFrame partial = new PartialFrame(1024);
		assertThatThrownBy(() -> {
			for (int reads = 0; reads < MAX_READS && partial.readFrom(wire) == null; reads++) {
				assertThat(wire.bytes.position()).isLessThan(4);
			}
		}).isInstanceOf(ProtocolException.class).hasMessageContaining("outside 9..1033 bytes");
	}

	@Test
	void anEndBeforeTheWholeFrameIsAnEndOfFile() throws Exception {
		ByteBuffer half = FrameChannel.encoded(new Frame(FrameType.HELLO, 0, new byte[10]));
		Trickle wire = new Trickle(half.limit(half.limit() / 2));
		wire.ended = true;
		PartialFrame partial = new PartialFrame(1024);
		assertThatThrownBy(() -> {
			for (int reads = 0; reads < MAX_READS && partial.readFrom(wire) == null; reads++) {
			}
		}).isInstanceOf(EOFException.class);
	}

	/** A channel that gives one byte per read, or none every other read, as a slow peer would. */
	private static final class Trickle implements ReadableByteChannel {

		private final ByteBuffer bytes;

		private boolean ended;

		private boolean idle;

		Trickle(ByteBuffer bytes) {
			this.bytes = bytes;
		}

		@Override
		public int read(ByteBuffer into) {
			this.idle = !this.idle;
			if (!this.bytes.hasRemaining()) {
				return this.ended ? -1 : 0;
			}
			if (this.idle) {
				return 0;
			}
			into.put(this.bytes.get());
			return 1;
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public void close() {
		}

	}

}

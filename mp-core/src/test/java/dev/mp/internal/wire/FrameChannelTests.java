package dev.mp.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frame never lands inside another: something the write of a frame calls on the same thread (a TLS debug line, a
 * remote worker's forwarded output) is refused, and the frame being written arrives whole.
 */
class FrameChannelTests {

	@Test
	void aFrameWrittenInTheMiddleOfAnotherOnTheSameThreadIsRefusedAndTheFirstArrivesWhole() throws IOException {
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		AtomicReference<FrameChannel> channel = new AtomicReference<>();
		AtomicReference<Exception> nested = new AtomicReference<>();
		OutputStream talkative = new OutputStream() {

			@Override
			public void write(int b) {
				wire.write(b);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) {
				if (nested.get() == null) {
					try {
						channel.get().write(new Frame(FrameType.OUTPUT, 0, new byte[] { 1, 'x' }));
					}
					catch (Exception ex) {
						nested.set(ex);
					}
				}
				wire.write(bytes, offset, length);
			}

		};
		channel.set(new FrameChannel(InputStream.nullInputStream(), talkative, () -> {
		}, 1 << 20));
		byte[] payload = new byte[1000];
		payload[999] = 7;
		channel.get().write(new Frame(FrameType.RESULT, 42, payload));
		assertThat(nested.get()).isInstanceOf(IllegalStateException.class);

		FrameChannel reader = new FrameChannel(new ByteArrayInputStream(wire.toByteArray()),
				OutputStream.nullOutputStream(), () -> {
				}, 1 << 20);
		Frame read = reader.read();
		assertThat(read.type()).isEqualTo(FrameType.RESULT);
		assertThat(read.correlationId()).isEqualTo(42);
		assertThat(read.payload()).isEqualTo(payload);
		assertThat(reader.read()).isNull();
	}

}

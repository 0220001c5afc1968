package dev.mp.internal.logging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.wire.ProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An event crosses whole, capped where it is too large; bytes that are not an event fail as a protocol error, having
 * allocated no more than they hold.
 */
class LogEventCodecTests {

	@Test
	void anEventCrossesWhole() {
		IllegalStateException thrown = new IllegalStateException("boom", new IOException("disk gone"));
		thrown.addSuppressed(new IllegalArgumentException("also"));
		LogEvent event = new LogEvent(1_700_000_000L, 123_456_789, 40, "com.example.Reports", "worker-1", "failed",
				Map.of("requestId", "r-1"), List.of(Map.entry("orderId", "42")), List.of("AUDIT"),
				ThrowableSnapshot.of(thrown));
		LogEvent read = LogEventCodec.decode(ByteBuffer.wrap(LogEventCodec.encode(event)));
		assertThat(read).usingRecursiveComparison().ignoringFields("thrown").isEqualTo(event);
		assertThat(read.thrown().className()).isEqualTo(IllegalStateException.class.getName());
		// class, method, file and line cross; the module and class loader names do not
		assertThat(read.thrown().stackTrace()).extracting(LogEventCodecTests::frame)
			.containsExactlyElementsOf(Arrays.stream(thrown.getStackTrace()).map(LogEventCodecTests::frame).toList());
		assertThat(read.thrown().cause().message()).isEqualTo("disk gone");
		assertThat(read.thrown().suppressed()).singleElement()
			.satisfies((suppressed) -> assertThat(suppressed.message()).isEqualTo("also"));
	}

	private static String frame(StackTraceElement frame) {
		return frame.getClassName() + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
				+ frame.getLineNumber() + ")";
	}

	@Test
	void aLongMessageIsCut() {
		String message = "x".repeat(LogEventCodec.MAX_MESSAGE_CHARS + 10);
		LogEvent event = new LogEvent(0, 0, 20, "l", "t", message, Map.of(), List.of(), List.of(), null);
		String read = LogEventCodec.decode(ByteBuffer.wrap(LogEventCodec.encode(event))).message();
		assertThat(read).startsWith("x".repeat(LogEventCodec.MAX_MESSAGE_CHARS)).endsWith("(cut by mp)");
	}

	@Test
	void bytesThatAreNoEventFailAsAProtocolError() {
		byte[] good = LogEventCodec
			.encode(new LogEvent(0, 0, 20, "l", "t", "m", Map.of(), List.of(), List.of(), null));
		byte[] hugeLength = good.clone();
		// the logger name's length: past the bytes there are
		ByteBuffer.wrap(hugeLength).putInt(Long.BYTES + Integer.BYTES + 1, Integer.MAX_VALUE);
		assertThatThrownBy(() -> LogEventCodec.decode(ByteBuffer.wrap(hugeLength)))
			.isInstanceOf(ProtocolException.class);
		byte[] badLevel = good.clone();
		badLevel[Long.BYTES + Integer.BYTES] = 99;
		assertThatThrownBy(() -> LogEventCodec.decode(ByteBuffer.wrap(badLevel))).isInstanceOf(ProtocolException.class);
		assertThatThrownBy(() -> LogEventCodec.decode(ByteBuffer.wrap(good, 0, good.length - 1)))
			.isInstanceOf(ProtocolException.class);
	}

}

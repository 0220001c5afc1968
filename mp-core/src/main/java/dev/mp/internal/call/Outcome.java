package dev.mp.internal.call;

import java.nio.ByteBuffer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.wire.BufferStreams;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.PlainValues;

/**
 * A call's answer, decoded: its value, or what it threw (or why the answer could not be read). Read the same way
 * wherever an answer arrives, so that a call run in place fails as one run in a worker does.
 *
 * @param value the call's value, when it returned
 * @param failure what it threw, or why its answer could not be read; {@code null} when it returned
 */
public record Outcome(@Nullable Object value, @Nullable Throwable failure) {

	/**
	 * Decodes a RESULT, PLAIN_RESULT or FAILURE payload; nothing a class's own {@code readObject} throws escapes.
	 * @param decode the codec's decoding
	 * @param failures what a FAILURE's call threw, as its caller is to see it
	 */
	public static Outcome read(FrameType type, ByteBuffer payload, Function<byte[], Object> decode,
			Function<Failure, Throwable> failures) {
		try {
			return switch (type) {
				case RESULT -> new Outcome(decode.apply(BufferStreams.bytes(payload)), null);
				case PLAIN_RESULT -> new Outcome(PlainValues.decode(payload), null);
				case FAILURE -> new Outcome(null, failures.apply((Failure) decode.apply(BufferStreams.bytes(payload))));
				default -> throw new IllegalArgumentException("A " + type + " frame is no answer");
			};
		}
		catch (Throwable ex) {
			// a class's own readObject may throw anything; the reader goes on and the caller hears
			return new Outcome(null, ThrowableSnapshot.of(ex).keepIfItAnswers(ex));
		}
	}

}

package dev.mp.internal.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.mailbox.CallMailbox;
import dev.mp.internal.mailbox.StagedPayload;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;

/**
 * How a call and its answer travel between a parent and its worker, one code for both sides: through the worker's
 * {@link CallMailbox} when the other side looks at it, staged in shared memory when it is larger than a slot, over the
 * socket otherwise; and how a frame that arrived, from the socket or the mailbox, is read, a staged one where it
 * lies. Each side passes the mailbox it read once for the call, or {@code null} where it has none.
 */
public final class CallTransport {

	private CallTransport() {
	}

	/**
	 * The parent's side: sends a call.
	 * @param maxBytes the frame limit
	 */
	public static void sendCall(FrameChannel channel, @Nullable CallMailbox box, FrameType type, long id,
			Payload payload, int maxBytes) throws IOException {
		Frame call = frame(box, type, id, payload, maxBytes);
		if (box == null || !box.post(call)) {
			writeToWorker(channel, box, call);
		}
	}

	/**
	 * The parent's side: every frame to the worker goes here, so that a worker looking at its mailbox knows to read
	 * the socket.
	 */
	public static void writeToWorker(FrameChannel channel, @Nullable CallMailbox box, Frame frame) throws IOException {
		if (box != null) {
			box.announceSocketFrame();
		}
		channel.write(frame);
	}

	/**
	 * The worker's side: sends an answer: through the mailbox if the caller looks, staged in shared memory if it is
	 * large.
	 * @param maxBytes the frame limit
	 * @param callerWaitNanos how long the answer waits for its caller to look (see {@link CallMailbox#answer}); below
	 * zero, it goes over the socket whether the caller looks or not, behind the frames sent there before it
	 */
	public static void sendAnswer(FrameChannel channel, @Nullable CallMailbox box, FrameType type, long id,
			Payload payload, int maxBytes, long callerWaitNanos) throws IOException {
		Frame frame = frame(box, type, id, payload, maxBytes);
		if (box != null) {
			box.openInbox();
		}
		if (box == null || callerWaitNanos < 0 || !box.answer(frame, callerWaitNanos)) {
			channel.write(frame);
		}
	}

	/** The frame that carries a payload: staged in shared memory if it is large and can be, whole otherwise. */
	private static Frame frame(@Nullable CallMailbox box, FrameType type, long id, Payload payload, int maxBytes) {
		Frame frame = (box != null) ? box.stage(type, id, payload, maxBytes) : null;
		return (frame != null) ? frame : new Frame(type, id, payload.bytes());
	}

	/**
	 * Either side: reads a call or an answer that came over the socket or through the mailbox ({@code box}, the one it
	 * came through), whole or staged in shared memory. A staged one is read where it lies and its room handed back
	 * before this returns.
	 * @param maxBytes the frame limit
	 * @param noMailbox what to throw for a staged frame where {@code box} is {@code null}
	 * @return what {@code reader} made of the frame's type, id and payload
	 * @throws dev.mp.internal.wire.ProtocolException if a staged frame names nothing the other side can have staged
	 */
	public static <T extends @Nullable Object, E extends Exception> T read(Frame frame, @Nullable CallMailbox box,
			int maxBytes, PayloadReader<T, E> reader, Supplier<? extends RuntimeException> noMailbox) throws E {
		if (frame.type() != FrameType.STAGED) {
			return reader.read(frame.type(), frame.correlationId(), ByteBuffer.wrap(frame.payload()));
		}
		if (box == null) {
			throw noMailbox.get();
		}
		try (StagedPayload staged = box.openStaged(frame, maxBytes)) {
			return reader.read(staged.type(), frame.correlationId(), staged.payload());
		}
	}

	/**
	 * Makes something of a frame's payload, which it reads before it returns: a staged one's room is handed back then.
	 */
	@FunctionalInterface
	public interface PayloadReader<T extends @Nullable Object, E extends Exception> {

		/** @param type the payload's own frame type (for a staged frame, the one it names) */
		T read(FrameType type, long id, ByteBuffer payload) throws E;

	}

}

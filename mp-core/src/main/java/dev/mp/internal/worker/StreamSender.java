package dev.mp.internal.worker;

import java.io.IOException;

import dev.mp.SerializationException;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.spi.Codec;

/**
 * Sends the elements of a streamed call's result to the parent as {@link FrameType#ELEMENT} frames, on the call's
 * thread, pulling the next one only while it has credit: the window to begin with, and what the parent's
 * {@link FrameType#DEMAND} frames give back, which the frame thread hands over. Waiting for credit is interruptible,
 * so a cancel ends the stream there too. A cancel that came while an element was being made ends the stream as that
 * element is about to be sent (rather than once the window is used up), and each write holds the lock under which
 * cancels interrupt, since an interrupt in the middle of a write would close the socket.
 */
final class StreamSender {

	private final long callId;

	private final FrameChannel channel;

	private final Codec codec;

	/** What cancels interrupt the call's thread under. */
	private final Object cancels;

	/** Elements it may still send; guarded by this. */
	private long credit;

	/** @param cancels the lock the runtime holds as it interrupts a cancelled call's thread */
	StreamSender(long callId, int window, FrameChannel channel, Codec codec, Object cancels) {
		this.callId = callId;
		this.credit = window;
		this.channel = channel;
		this.codec = codec;
		this.cancels = cancels;
	}

	long callId() {
		return this.callId;
	}

	/** The parent's subscriber took {@code taken} more elements. */
	synchronized void grant(int taken) {
		this.credit += taken;
		notifyAll();
	}

	/**
	 * Sends every element of what the call returned, and returns once the last is sent.
	 * @throws Throwable what the source threw, an {@code InterruptedException} if the call was cancelled, or why an
	 * element could not be sent
	 */
	void send(Object returned) throws Throwable {
		try (Elements elements = Elements.of(returned)) {
			while (true) {
				awaitCredit();
				Object element = elements.next();
				if (element == Elements.END) {
					return;
				}
				if (element == null) {
					throw new NullPointerException("A streamed call produced a null element");
				}
				write(element);
			}
		}
	}

	private synchronized void awaitCredit() throws InterruptedException {
		while (this.credit == 0) {
			wait();
		}
		this.credit--;
	}

	private void write(Object element) throws IOException, InterruptedException {
		byte[] bytes;
		try {
			bytes = this.codec.encode(element);
		}
		catch (RuntimeException ex) {
			throw new SerializationException("An element of a streamed call (a " + element.getClass().getName()
					+ ") could not be sent to the caller: " + ex.getMessage(), ex);
		}
		Frame frame = new Frame(FrameType.ELEMENT, this.callId, bytes);
		synchronized (this.cancels) {
			if (Thread.interrupted()) {
				throw new InterruptedException("The streamed call was cancelled");
			}
			this.channel.write(frame);
		}
	}

}

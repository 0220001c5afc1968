package dev.mp.internal.call;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import dev.mp.JvmFacts;
import dev.mp.Progress;
import dev.mp.internal.wire.ProtocolException;

/**
 * The payloads of what a worker tells its parent unasked: its JVM's facts
 * ({@link dev.mp.internal.wire.FrameType#FACTS}: nine longs) and a call's progress
 * ({@link dev.mp.internal.wire.FrameType#PROGRESS}: done, total, then the message as its UTF-8 length, -1 for none,
 * and bytes). Both are mp's own fixed form, outside the codec.
 */
public final class WorkerReports {

	/** The most bytes of a progress message sent; a longer one is cut. */
	static final int MAX_MESSAGE_BYTES = 1024;

	private WorkerReports() {
	}

	/**
	 * @param contextUptimeMillis -1 when the worker has no application context
	 */
	public static byte[] facts(long heapUsed, long heapCommitted, long heapMax, long gcCount, long gcMillis,
			long threads, long loadedClasses, long uptimeMillis, long contextUptimeMillis) {
		return ByteBuffer.allocate(9 * Long.BYTES)
			.putLong(heapUsed)
			.putLong(heapCommitted)
			.putLong(heapMax)
			.putLong(gcCount)
			.putLong(gcMillis)
			.putLong(threads)
			.putLong(loadedClasses)
			.putLong(uptimeMillis)
			.putLong(contextUptimeMillis)
			.array();
	}

	/** Reads {@link #facts}, stamped with when they came. */
	public static JvmFacts facts(byte[] payload, Instant received) {
		if (payload.length != 9 * Long.BYTES) {
			throw new ProtocolException("A facts frame of " + payload.length + " bytes");
		}
		ByteBuffer in = ByteBuffer.wrap(payload);
		long heapUsed = in.getLong();
		long heapCommitted = in.getLong();
		long heapMax = in.getLong();
		long gcCount = in.getLong();
		Duration gcTime = Duration.ofMillis(in.getLong());
		int threads = (int) in.getLong();
		long loadedClasses = in.getLong();
		Duration uptime = Duration.ofMillis(in.getLong());
		long context = in.getLong();
		return new JvmFacts(received, heapUsed, heapCommitted, heapMax, gcCount, gcTime, threads, loadedClasses,
				uptime, (context >= 0) ? Duration.ofMillis(context) : null);
	}

	public static byte[] progress(Progress progress) {
		String message = progress.message();
		byte[] text = (message != null) ? message.getBytes(StandardCharsets.UTF_8) : new byte[0];
		int length = Math.min(text.length, MAX_MESSAGE_BYTES);
		// cut between characters, not inside one's UTF-8 bytes
		while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
			length--;
		}
		ByteBuffer out = ByteBuffer.allocate(2 * Long.BYTES + Integer.BYTES + length)
			.putLong(progress.done())
			.putLong(progress.total())
			.putInt((message != null) ? length : -1)
			.put(text, 0, length);
		return out.array();
	}

	/** Reads {@link #progress(Progress)}. */
	public static Progress progress(byte[] payload) {
		try {
			ByteBuffer in = ByteBuffer.wrap(payload);
			long done = in.getLong();
			long total = in.getLong();
			int length = in.getInt();
			if (length > MAX_MESSAGE_BYTES || length != ((length < 0) ? -1 : in.remaining())) {
				throw new ProtocolException("A progress frame with a message of " + length + " bytes in "
						+ payload.length);
			}
			String message = (length >= 0) ? new String(payload, in.position(), length, StandardCharsets.UTF_8) : null;
			return new Progress(done, total, message);
		}
		catch (RuntimeException ex) {
			throw (ex instanceof ProtocolException protocol) ? protocol
					: new ProtocolException("An unreadable progress frame: " + ex.getMessage());
		}
	}

}

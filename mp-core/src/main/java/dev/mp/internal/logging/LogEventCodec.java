package dev.mp.internal.logging;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.wire.ProtocolException;

/**
 * mp's own compact form of a {@link LogEvent}: numbers and length-prefixed UTF-8 strings, never the codec, so that a
 * worker's event makes the parent build strings, stack trace elements and mp's own stand-ins, nothing else. Sizes are
 * capped as an event is encoded (long strings cut, counts bounded) and checked as one is read, against the bytes left,
 * so that a hostile worker can make the parent allocate no more than it sent.
 */
public final class LogEventCodec {

	/** Longest message sent; the rest is cut. */
	static final int MAX_MESSAGE_CHARS = 32 * 1024;

	/** Longest logger or thread name, MDC or key-value entry, marker, class name or exception message part. */
	static final int MAX_NAME_CHARS = 4 * 1024;

	/** MDC entries, key-value pairs and markers sent per event, each. */
	static final int MAX_ENTRIES = 128;

	/** Stack frames sent per exception. */
	static final int MAX_FRAMES = 1024;

	private LogEventCodec() {
	}

	/** The event's bytes, capped as the class says. */
	public static byte[] encode(LogEvent event) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
		DataOutputStream out = new DataOutputStream(bytes);
		try {
			out.writeLong(event.epochSecond());
			out.writeInt(event.nanos());
			out.writeByte(event.level());
			writeString(out, event.loggerName(), MAX_NAME_CHARS);
			writeString(out, event.threadName(), MAX_NAME_CHARS);
			writeString(out, event.message(), MAX_MESSAGE_CHARS);
			writePairs(out, new ArrayList<>(event.mdc().entrySet()));
			writePairs(out, event.keyValues());
			int markers = Math.min(event.markers().size(), MAX_ENTRIES);
			out.writeInt(markers);
			for (int i = 0; i < markers; i++) {
				writeString(out, event.markers().get(i), MAX_NAME_CHARS);
			}
			writeThrown(out, event.thrown());
		}
		catch (IOException ex) {
			// a byte array does not fail
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * Reads one event.
	 * @throws ProtocolException if the bytes are not an event
	 */
	public static LogEvent decode(ByteBuffer in) {
		try {
			long epochSecond = in.getLong();
			int nanos = in.getInt();
			int level = in.get();
			String logger = readString(in);
			String thread = readString(in);
			String message = readString(in);
			Map<String, String> mdc = new LinkedHashMap<>();
			for (Map.Entry<String, String> entry : readPairs(in)) {
				mdc.put(entry.getKey(), entry.getValue());
			}
			List<Map.Entry<String, String>> keyValues = readPairs(in);
			int markerCount = count(in, Integer.BYTES);
			List<String> markers = new ArrayList<>(markerCount);
			for (int i = 0; i < markerCount; i++) {
				markers.add(readString(in));
			}
			ThrowableSnapshot thrown = readThrown(in, new int[] { ThrowableSnapshot.MAX_SNAPSHOTS });
			// what the parent's logging will make of them, checked here: each throws for a value out of range
			Level.intToLevel(level);
			Instant.ofEpochSecond(epochSecond, nanos);
			return new LogEvent(epochSecond, nanos, level, logger, thread, message, mdc, keyValues, markers, thrown);
		}
		catch (RuntimeException ex) {
			if (ex instanceof ProtocolException protocol) {
				throw protocol;
			}
			throw new ProtocolException("An unreadable log event: " + ex);
		}
	}

	private static void writePairs(DataOutputStream out, List<Map.Entry<String, String>> pairs) throws IOException {
		int count = Math.min(pairs.size(), MAX_ENTRIES);
		out.writeInt(count);
		for (int i = 0; i < count; i++) {
			Map.Entry<String, String> pair = pairs.get(i);
			writeString(out, pair.getKey(), MAX_NAME_CHARS);
			writeString(out, pair.getValue(), MAX_NAME_CHARS);
		}
	}

	private static List<Map.Entry<String, String>> readPairs(ByteBuffer in) {
		int count = count(in, 2 * Integer.BYTES);
		List<Map.Entry<String, String>> pairs = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			pairs.add(Map.entry(readString(in), readString(in)));
		}
		return pairs;
	}

	/** An exception, its causes and suppressed ones, within {@link ThrowableSnapshot}'s bounds as it was made. */
	private static void writeThrown(DataOutputStream out, @Nullable ThrowableSnapshot thrown) throws IOException {
		out.writeBoolean(thrown != null);
		if (thrown == null) {
			return;
		}
		writeString(out, thrown.className(), MAX_NAME_CHARS);
		out.writeBoolean(thrown.message() != null);
		if (thrown.message() != null) {
			writeString(out, thrown.message(), MAX_MESSAGE_CHARS);
		}
		int frames = Math.min(thrown.stackTrace().length, MAX_FRAMES);
		out.writeInt(frames);
		for (int i = 0; i < frames; i++) {
			StackTraceElement frame = thrown.stackTrace()[i];
			writeString(out, frame.getClassName(), MAX_NAME_CHARS);
			writeString(out, frame.getMethodName(), MAX_NAME_CHARS);
			writeString(out, (frame.getFileName() != null) ? frame.getFileName() : "", MAX_NAME_CHARS);
			out.writeInt(frame.getLineNumber());
		}
		writeThrown(out, thrown.cause());
		out.writeInt(thrown.suppressed().size());
		for (ThrowableSnapshot suppressed : thrown.suppressed()) {
			writeThrown(out, suppressed);
		}
	}

	/** @param left how many more snapshots may be read: a worker cannot make the parent recurse without end */
	private static @Nullable ThrowableSnapshot readThrown(ByteBuffer in, int[] left) {
		if (in.get() == 0) {
			return null;
		}
		if (--left[0] < 0) {
			throw new ProtocolException("A log event with more than " + ThrowableSnapshot.MAX_SNAPSHOTS
					+ " exceptions");
		}
		String className = readString(in);
		String message = (in.get() != 0) ? readString(in) : null;
		// each frame takes at least its three lengths and a line number
		StackTraceElement[] stack = new StackTraceElement[count(in, 4 * Integer.BYTES)];
		for (int i = 0; i < stack.length; i++) {
			String declaringClass = readString(in);
			String method = readString(in);
			String file = readString(in);
			stack[i] = new StackTraceElement(declaringClass, method, file.isEmpty() ? null : file, in.getInt());
		}
		ThrowableSnapshot cause = readThrown(in, left);
		int suppressedCount = count(in, 1);
		List<ThrowableSnapshot> suppressed = new ArrayList<>(suppressedCount);
		for (int i = 0; i < suppressedCount; i++) {
			ThrowableSnapshot each = readThrown(in, left);
			if (each != null) {
				suppressed.add(each);
			}
		}
		return new ThrowableSnapshot(className, message, stack, cause, List.copyOf(suppressed));
	}

	private static void writeString(DataOutputStream out, String value, int maxChars) throws IOException {
		String capped = (value.length() > maxChars) ? value.substring(0, maxChars) + "... (cut by mp)" : value;
		byte[] bytes = capped.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static String readString(ByteBuffer in) {
		byte[] bytes = new byte[count(in, 1)];
		in.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** A count of items of at least {@code minBytes} each, checked against the bytes left before anything is made. */
	private static int count(ByteBuffer in, int minBytes) {
		int count = in.getInt();
		if (count < 0 || count > in.remaining() / minBytes) {
			throw new ProtocolException("An unreadable log event: a count of " + count + " with " + in.remaining()
					+ " bytes left");
		}
		return count;
	}

}

package dev.mp.internal.wire;

import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The values most calls return and most task lambdas capture, in a compact form of mp's own: {@code null},
 * {@code Boolean}, {@code Integer}, {@code Long}, {@code Double}, strings of up to {@value #MAX_STRING_CHARS}
 * characters and {@code byte[]}. JDK serialization spends microseconds setting up its streams for each such value;
 * this writes a tag and the bytes. Nothing else is ever written this way, so reading this form can make no other
 * class. Strings travel as Latin-1 bytes when every character fits, else as UTF-16 units: either way exactly, unpaired
 * surrogates included (UTF-8 would replace those).
 */
public final class PlainValues {

	private static final byte NULL = 0;

	private static final byte TRUE = 1;

	private static final byte FALSE = 2;

	private static final byte INT = 3;

	private static final byte LONG = 4;

	private static final byte DOUBLE = 5;

	private static final byte LATIN1_STRING = 6;

	private static final byte BYTES = 7;

	private static final byte UTF16_STRING = 8;

	/** Longer strings go through the codec, which writes them as it goes instead of sizing them first. */
	static final int MAX_STRING_CHARS = 64 * 1024;

	private PlainValues() {
	}

	/** Whether a value has this form. */
	public static boolean isPlain(Object value) {
		return value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
				|| value instanceof Double || value instanceof byte[]
				|| (value instanceof String string && string.length() <= MAX_STRING_CHARS);
	}

	/** The bytes {@link #write} takes for a plain value. */
	public static long sizeOf(Object value) {
		if (value instanceof byte[] bytes) {
			return bytes.length + 5L;
		}
		if (value instanceof String string) {
			return (isLatin1(string) ? string.length() : 2L * string.length()) + 5;
		}
		if (value == null || value instanceof Boolean) {
			return 1;
		}
		return (value instanceof Integer) ? 5 : 9;
	}

	private static boolean isLatin1(String string) {
		for (int i = 0; i < string.length(); i++) {
			if (string.charAt(i) > 0xFF) {
				return false;
			}
		}
		return true;
	}

	/** A plain value alone; see {@link #isPlain}. */
	public static byte[] encode(Object value) {
		return Payload.plain(value).bytes();
	}

	/** Reads what {@link #encode} wrote. */
	public static Object decode(byte[] encoded) {
		return decode(ByteBuffer.wrap(encoded));
	}

	/** Reads what {@link #encode} or {@link Payload#plain} wrote, from the buffer's remaining bytes (in place). */
	public static Object decode(ByteBuffer encoded) {
		try {
			return read(BufferStreams.input(encoded));
		}
		catch (IOException ex) {
			throw new ProtocolException("Malformed plain value: " + ex);
		}
	}

	/** Writes a plain value; see {@link #isPlain}. */
	public static void write(DataOutput out, Object value) throws IOException {
		if (!isPlain(value)) {
			throw new IllegalArgumentException("Not a plain value: a " + value.getClass().getName());
		}
		if (value == null) {
			out.writeByte(NULL);
		}
		else if (value instanceof Boolean bool) {
			out.writeByte(bool ? TRUE : FALSE);
		}
		else if (value instanceof Integer number) {
			out.writeByte(INT);
			out.writeInt(number);
		}
		else if (value instanceof Long number) {
			out.writeByte(LONG);
			out.writeLong(number);
		}
		else if (value instanceof Double number) {
			out.writeByte(DOUBLE);
			out.writeDouble(number);
		}
		else if (value instanceof String string && isLatin1(string)) {
			out.writeByte(LATIN1_STRING);
			out.writeInt(string.length());
			out.write(string.getBytes(StandardCharsets.ISO_8859_1));
		}
		else if (value instanceof String string) {
			out.writeByte(UTF16_STRING);
			out.writeInt(string.length());
			out.writeChars(string);
		}
		else {
			out.writeByte(BYTES);
			byte[] bytes = (byte[]) value;
			out.writeInt(bytes.length);
			out.write(bytes);
		}
	}

	/** Reads a value {@link #write} wrote, from a stream over the bytes of one frame. */
	public static Object read(DataInputStream in) throws IOException {
		byte tag = in.readByte();
		return switch (tag) {
			case NULL -> null;
			case TRUE -> Boolean.TRUE;
			case FALSE -> Boolean.FALSE;
			case INT -> in.readInt();
			case LONG -> in.readLong();
			case DOUBLE -> in.readDouble();
			case LATIN1_STRING -> new String(readBytes(in), StandardCharsets.ISO_8859_1);
			case UTF16_STRING -> readChars(in);
			case BYTES -> readBytes(in);
			default -> throw new ProtocolException("Unknown plain value tag " + tag);
		};
	}

	private static String readChars(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > in.available() / 2) {
			throw new ProtocolException("Length of " + length + " characters beyond the frame");
		}
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = in.readChar();
		}
		return new String(chars);
	}

	private static byte[] readBytes(DataInputStream in) throws IOException {
		int length = in.readInt();
		// over a frame's bytes, available() is what is left of it: no length can make a larger array
		if (length < 0 || length > in.available()) {
			throw new ProtocolException("Length " + length + " beyond the frame");
		}
		byte[] bytes = new byte[length];
		in.readFully(bytes);
		return bytes;
	}

}

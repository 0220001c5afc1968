package dev.mp.internal.worker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.mp.internal.codec.CodecIdentity;

/**
 * What the parent tells a new child on its stdin before anything else: never in argv or the environment, where other
 * users of the machine could read the secret.
 *
 * @param workerId the id the child presents in its handshake
 * @param name the process name, for logs
 * @param secret the per-worker secret for the HMAC handshake
 * @param socketPath the parent's Unix domain socket
 * @param parentPid the parent's pid, watched so the child exits with it
 * @param mode the bootstrap mode ({@code plain}, {@code spring}, ...)
 * @param maxFrameBytes the largest frame payload accepted
 * @param end when the child ends: after its first answer (a call), after that and its body's threads (a process), or
 * when told to (a pool's worker)
 * @param attributes mode-specific settings of the worker's options; a remote worker's config file holds them
 * @param secretAttributes mode-specific settings taken at its launch ({@link dev.mp.spi.LaunchAttributes}), which may
 * hold secrets: they go where the secret goes, never into a remote worker's config file
 * @param mailbox the pool worker's call mailbox file (see {@link dev.mp.internal.mailbox.CallMailbox}), or {@code ""} for none
 * @param spinNanos how long the worker looks at its mailbox for the next call after answering one
 * @param codec the codec values cross with, which the worker must have too
 * @param factsMillis how often the worker tells its JVM's facts, in milliseconds; 0 for never
 */
public record BootstrapConfig(String workerId, String name, byte[] secret, String socketPath, long parentPid,
		String mode, int maxFrameBytes, WorkerEnd end, Map<String, String> attributes,
		Map<String, String> secretAttributes, String mailbox, long spinNanos, CodecIdentity codec, long factsMillis) {

	private static final int MAGIC = 0x6d700006;

	/** What the worker's bootstrap mode starts with: the options' attributes, then the launch's, which win. */
	public Map<String, String> modeAttributes() {
		Map<String, String> all = new LinkedHashMap<>(this.attributes);
		all.putAll(this.secretAttributes);
		return all;
	}

	public void write(DataOutputStream out) throws IOException {
		out.writeInt(MAGIC);
		out.writeUTF(this.workerId);
		out.writeUTF(this.name);
		out.writeShort(this.secret.length);
		out.write(this.secret);
		out.writeUTF(this.socketPath);
		out.writeLong(this.parentPid);
		out.writeUTF(this.mode);
		out.writeInt(this.maxFrameBytes);
		out.writeByte(this.end.ordinal());
		writeAttributes(out, this.attributes);
		writeAttributes(out, this.secretAttributes);
		out.writeUTF(this.mailbox);
		out.writeLong(this.spinNanos);
		out.writeUTF(this.codec.name());
		out.writeUTF(this.codec.provider());
		out.writeUTF(this.codec.stamp());
		out.writeLong(this.factsMillis);
		out.flush();
	}

	public static BootstrapConfig read(DataInputStream in) throws IOException {
		if (in.readInt() != MAGIC) {
			throw new IOException("stdin does not start with an mp bootstrap block: this JVM must be started by mp");
		}
		String workerId = in.readUTF();
		String name = in.readUTF();
		byte[] secret = new byte[in.readUnsignedShort()];
		in.readFully(secret);
		String socketPath = in.readUTF();
		long parentPid = in.readLong();
		String mode = in.readUTF();
		int maxFrameBytes = in.readInt();
		int endOrdinal = in.readUnsignedByte();
		if (endOrdinal >= WorkerEnd.values().length) {
			throw new IOException("Unknown worker end " + endOrdinal + " in the bootstrap block");
		}
		WorkerEnd end = WorkerEnd.values()[endOrdinal];
		Map<String, String> attributes = readAttributes(in);
		Map<String, String> secretAttributes = readAttributes(in);
		return new BootstrapConfig(workerId, name, secret, socketPath, parentPid, mode, maxFrameBytes, end,
				attributes, secretAttributes, in.readUTF(), in.readLong(),
				new CodecIdentity(in.readUTF(), in.readUTF(), in.readUTF()), in.readLong());
	}

	/**
	 * Writes attributes as their count, then each key and value as its length and UTF-8 bytes: not
	 * {@code writeUTF}, which throws past 64 KiB, a bound one of the application's property values (a certificate, a
	 * JSON document) may pass.
	 */
	static void writeAttributes(DataOutputStream out, Map<String, String> attributes) throws IOException {
		out.writeInt(attributes.size());
		for (Map.Entry<String, String> entry : attributes.entrySet()) {
			writeString(out, entry.getKey());
			writeString(out, entry.getValue());
		}
	}

	/** Reads what {@link #writeAttributes} wrote. */
	static Map<String, String> readAttributes(DataInputStream in) throws IOException {
		int count = in.readInt();
		Map<String, String> attributes = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			attributes.put(readString(in), readString(in));
		}
		return attributes;
	}

	private static void writeString(DataOutputStream out, String value) throws IOException {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static String readString(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0) {
			throw new IOException("A bootstrap attribute of " + length + " bytes");
		}
		byte[] bytes = new byte[length];
		in.readFully(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

}

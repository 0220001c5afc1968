package dev.mp.internal.worker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
 * @param attributes mode-specific settings
 * @param mailbox the pool worker's call mailbox file (see {@link dev.mp.internal.mailbox.CallMailbox}), or {@code ""} for none
 * @param spinNanos how long the worker looks at its mailbox for the next call after answering one
 * @param codec the codec values cross with, which the worker must have too
 */
public record BootstrapConfig(String workerId, String name, byte[] secret, String socketPath, long parentPid,
		String mode, int maxFrameBytes, WorkerEnd end, Map<String, String> attributes, String mailbox,
		long spinNanos, CodecIdentity codec) {

	private static final int MAGIC = 0x6d700004;

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
		out.writeInt(this.attributes.size());
		for (Map.Entry<String, String> entry : this.attributes.entrySet()) {
			out.writeUTF(entry.getKey());
			out.writeUTF(entry.getValue());
		}
		out.writeUTF(this.mailbox);
		out.writeLong(this.spinNanos);
		out.writeUTF(this.codec.name());
		out.writeUTF(this.codec.provider());
		out.writeUTF(this.codec.stamp());
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
		int attributeCount = in.readInt();
		Map<String, String> attributes = new LinkedHashMap<>();
		for (int i = 0; i < attributeCount; i++) {
			attributes.put(in.readUTF(), in.readUTF());
		}
		return new BootstrapConfig(workerId, name, secret, socketPath, parentPid, mode, maxFrameBytes, end,
				attributes, in.readUTF(), in.readLong(), new CodecIdentity(in.readUTF(), in.readUTF(), in.readUTF()));
	}

}

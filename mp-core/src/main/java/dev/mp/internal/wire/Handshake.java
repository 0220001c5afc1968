package dev.mp.internal.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The HMAC challenge both sides run on a new connection: the parent sends a random nonce; the child answers with its
 * worker id and HMAC-SHA256(secret, nonce || worker id). Only a process that read the secret from the child's stdin can
 * answer, so a stranger connecting to the socket is refused.
 */
public final class Handshake {

	/** Bytes in a nonce and in a secret. */
	public static final int SIZE = 32;

	private static final int BLOCK = 64;

	private Handshake() {
	}

	/** Random bytes for secrets and nonces; only the parent needs them, so a child never seeds the generator. */
	public static byte[] randomBytes() {
		byte[] bytes = new byte[SIZE];
		Random.GENERATOR.nextBytes(bytes);
		return bytes;
	}

	/**
	 * HMAC-SHA256 (RFC 2104) over the nonce and worker id, built on {@code MessageDigest}: the JCE {@code Mac}
	 * gives the same bytes but loading its provider costs a fresh JVM about 90 ms, on every worker start.
	 */
	public static byte[] proof(byte[] secret, byte[] nonce, String workerId) {
		MessageDigest sha256 = sha256();
		byte[] key = (secret.length > BLOCK) ? sha256.digest(secret) : secret;
		byte[] inner = new byte[BLOCK];
		byte[] outer = new byte[BLOCK];
		for (int i = 0; i < BLOCK; i++) {
			byte k = (i < key.length) ? key[i] : 0;
			inner[i] = (byte) (k ^ 0x36);
			outer[i] = (byte) (k ^ 0x5c);
		}
		sha256.update(inner);
		sha256.update(nonce);
		byte[] innerHash = sha256.digest(workerId.getBytes(StandardCharsets.UTF_8));
		sha256.update(outer);
		return sha256.digest(innerHash);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
		}
	}

	/** Holds the generator, so it is seeded on first use only. */
	private static final class Random {

		private static final SecureRandom GENERATOR = new SecureRandom();

	}

	/** The child's HELLO payload: its worker id and its proof. */
	public static byte[] hello(String workerId, byte[] proof) {
		byte[] id = workerId.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(2 + id.length + proof.length).putShort((short) id.length).put(id).put(proof).array();
	}

	/**
	 * Reads a child's HELLO payload.
	 * @throws ProtocolException if it is malformed
	 */
	public static Hello parseHello(byte[] payload) {
		try {
			ByteBuffer buffer = ByteBuffer.wrap(payload);
			byte[] id = new byte[buffer.getShort() & 0xffff];
			buffer.get(id);
			byte[] proof = new byte[buffer.remaining()];
			buffer.get(proof);
			return new Hello(new String(id, StandardCharsets.UTF_8), proof);
		}
		catch (RuntimeException ex) {
			throw new ProtocolException("Malformed HELLO frame", ex);
		}
	}

	/**
	 * A child's claim: who it is, and its proof.
	 * @param workerId the worker id
	 * @param proof the HMAC over the nonce
	 */
	public record Hello(String workerId, byte[] proof) {
	}

	/** Constant-time check of a proof. */
	public static boolean verify(byte[] secret, byte[] nonce, String workerId, byte[] proof) {
		return MessageDigest.isEqual(proof(secret, nonce, workerId), proof);
	}

}

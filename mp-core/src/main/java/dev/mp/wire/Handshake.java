package dev.mp.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC challenge both sides run on a new connection: the parent sends a random nonce; the child answers with its
 * worker id and HMAC-SHA256(secret, nonce || worker id). Only a process that read the secret from the child's stdin can
 * answer, so a stranger connecting to the socket is refused.
 */
public final class Handshake {

	/** Bytes in a nonce and in a secret. */
	public static final int SIZE = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private static final SecureRandom RANDOM = new SecureRandom();

	private Handshake() {
	}

	public static byte[] randomBytes() {
		byte[] bytes = new byte[SIZE];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	public static byte[] proof(byte[] secret, byte[] nonce, String workerId) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(secret, ALGORITHM));
			mac.update(nonce);
			return mac.doFinal(workerId.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
		}
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

package dev.mp.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS between a parent and its remote workers with the JDK alone: a self-signed certificate made for each run (a P-256
 * key, X.509 built here in a few lines of DER, since the JDK has no public API to make one), and trust by pinning: each
 * side accepts exactly one certificate, the other's, by its SHA-256 fingerprint. No CA, no host names, no key stores.
 */
public final class Tls {

	private static final String PROTOCOL = "TLSv1.3";

	/** ecdsa-with-SHA256 */
	private static final byte[] ECDSA_SHA256 = { 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03,
			0x02 };

	/** id-at-commonName */
	private static final byte[] COMMON_NAME = { 0x06, 0x03, 0x55, 0x04, 0x03 };

	private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private Tls() {
	}

	/**
	 * A key and a certificate for it.
	 * @param key the private key
	 * @param certificate the certificate
	 */
	public record Identity(PrivateKey key, X509Certificate certificate) {

		/** SHA-256 of the certificate, lowercase hex: what the other side pins. */
		public String fingerprint() {
			return Tls.fingerprint(this.certificate);
		}

		/** The certificate, DER. */
		public byte[] certificateBytes() {
			try {
				return this.certificate.getEncoded();
			}
			catch (CertificateException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** The private key, PKCS#8 DER. */
		public byte[] keyBytes() {
			return this.key.getEncoded();
		}

		@Override
		public String toString() {
			return "Identity[" + this.certificate.getSubjectX500Principal() + ", sha256 " + fingerprint() + "]";
		}

	}

	/** A new P-256 key and a self-signed certificate for it, valid from an hour ago for {@code validity}. */
	public static Identity selfSigned(String commonName, Duration validity) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair keys = generator.generateKeyPair();
			byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME, der(0x0c,
					commonName.getBytes(StandardCharsets.UTF_8)))));
			Instant now = Instant.now();
			byte[] validityDer = der(0x30, der(0x17, UTC_TIME.format(now.minus(Duration.ofHours(1))).getBytes()),
					der(0x17, UTC_TIME.format(now.plus(validity)).getBytes()));
			byte[] serial = new BigInteger(64, new SecureRandom()).add(BigInteger.ONE).toByteArray();
			byte[] algorithm = der(0x30, ECDSA_SHA256);
			byte[] tbs = der(0x30, der(0xa0, der(0x02, new byte[] { 2 })), der(0x02, serial), algorithm, name,
					validityDer, name, keys.getPublic().getEncoded());
			Signature signer = Signature.getInstance("SHA256withECDSA");
			signer.initSign(keys.getPrivate());
			signer.update(tbs);
			byte[] signature = signer.sign();
			byte[] bitString = new byte[signature.length + 1];
			System.arraycopy(signature, 0, bitString, 1, signature.length);
			byte[] certificate = der(0x30, tbs, algorithm, der(0x03, bitString));
			return new Identity(keys.getPrivate(), certificate(certificate));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot make a self-signed certificate: " + ex, ex);
		}
	}

	/** An identity read back from its certificate (DER) and PKCS#8 key (DER), as a worker reads its files. */
	public static Identity identity(byte[] certificate, byte[] key) throws GeneralSecurityException {
		PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(key));
		return new Identity(privateKey, certificate(certificate));
	}

	private static X509Certificate certificate(byte[] der) throws CertificateException {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(der));
	}

	/** SHA-256 of a certificate's DER, lowercase hex. */
	public static String fingerprint(X509Certificate certificate) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A TLS 1.3 context that presents {@code own} and accepts only the peer whose certificate has the fingerprint
	 * {@code peerFingerprint}, as client or as server (a server built on it must also require client authentication).
	 */
	public static SSLContext context(Identity own, String peerFingerprint) {
		try {
			SSLContext context = SSLContext.getInstance(PROTOCOL);
			context.init(new KeyManager[] { new OwnKey(own) }, new TrustManager[] { new Pinned(peerFingerprint) },
					new SecureRandom());
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot set up TLS: " + ex, ex);
		}
	}

	/** The TLS protocols mp speaks. */
	public static String[] protocols() {
		return new String[] { PROTOCOL };
	}

	/** A DER element: tag, definite length, contents. */
	private static byte[] der(int tag, byte[]... parts) {
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			content.writeBytes(part);
		}
		int length = content.size();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(tag);
		if (length < 0x80) {
			out.write(length);
		}
		else {
			byte[] bytes = BigInteger.valueOf(length).toByteArray();
			int skip = (bytes[0] == 0) ? 1 : 0;
			out.write(0x80 | (bytes.length - skip));
			out.write(bytes, skip, bytes.length - skip);
		}
		out.writeBytes(content.toByteArray());
		return out.toByteArray();
	}

	/** Presents one key and certificate, whatever is asked. */
	private static final class OwnKey extends X509ExtendedKeyManager {

		private static final String ALIAS = "mp";

		private final Identity identity;

		OwnKey(Identity identity) {
			this.identity = identity;
		}

		@Override
		public String[] getClientAliases(String keyType, Principal[] issuers) {
			return new String[] { ALIAS };
		}

		@Override
		public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
			return ALIAS;
		}

		@Override
		public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
			return ALIAS;
		}

		@Override
		public String[] getServerAliases(String keyType, Principal[] issuers) {
			return new String[] { ALIAS };
		}

		@Override
		public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
			return "EC".equals(keyType) ? ALIAS : null;
		}

		@Override
		public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
			return "EC".equals(keyType) ? ALIAS : null;
		}

		@Override
		public X509Certificate[] getCertificateChain(String alias) {
			return new X509Certificate[] { this.identity.certificate() };
		}

		@Override
		public PrivateKey getPrivateKey(String alias) {
			return this.identity.key();
		}

	}

	/** Trusts exactly one certificate, by fingerprint; no CA, no host name, no expiry beyond the run's own. */
	private static final class Pinned extends X509ExtendedTrustManager {

		private final String fingerprint;

		Pinned(String fingerprint) {
			this.fingerprint = fingerprint.toLowerCase(java.util.Locale.ROOT);
		}

		private void check(X509Certificate[] chain) throws CertificateException {
			if (chain == null || chain.length == 0) {
				throw new CertificateException("The peer presented no certificate");
			}
			String presented = fingerprint(chain[0]);
			if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
					this.fingerprint.getBytes(StandardCharsets.US_ASCII))) {
				throw new CertificateException("The peer's certificate (sha256 " + presented
						+ ") is not the one pinned (sha256 " + this.fingerprint + ")");
			}
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			check(chain);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			check(chain);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			check(chain);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			check(chain);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			check(chain);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			check(chain);
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}

package dev.mp.internal.worker;

import java.time.Duration;

/**
 * What a remote worker needs to reach its parent and prove who it is: the parent's TLS listener and the fingerprint of
 * its certificate (the worker trusts no other), the client certificate and key the worker presents (the parent trusts
 * no other). The key is a secret, and so is each worker's own HMAC secret: a launcher hands them to the worker as
 * files (for a pod, a mounted Kubernetes Secret), never in its command line or environment.
 *
 * @param host the host or address workers connect to
 * @param port the listener's port
 * @param serverFingerprint SHA-256 of the parent's certificate (DER), lowercase hex
 * @param clientCertificate the worker's certificate, DER
 * @param clientKey the worker's private key, PKCS#8 DER
 * @param disconnectGrace how long a worker waits for word from the parent before it exits
 */
public record RemoteEndpoint(String host, int port, String serverFingerprint, byte[] clientCertificate,
		byte[] clientKey, Duration disconnectGrace) {

	@Override
	public String toString() {
		// never the key
		return "RemoteEndpoint[" + this.host + ":" + this.port + ", server sha256 " + this.serverFingerprint + "]";
	}

}

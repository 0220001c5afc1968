package dev.mp.internal.worker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.wire.Tls;

/**
 * What a remote worker (a pod) is told, in two parts: a config file with nothing secret in it (who it is, its bootstrap
 * mode, where the parent listens and the fingerprint of the parent's certificate), and a directory of secret files
 * (the worker's own HMAC secret, the run's worker TLS certificate and key, its launch's secret attributes), which for a
 * pod is a mounted Kubernetes Secret of its own: never the pod's environment or arguments.
 *
 * @param config the bootstrap config, secret included
 * @param host where the parent listens
 * @param port its port
 * @param serverFingerprint SHA-256 of the parent's certificate, hex
 * @param identity the worker's TLS identity
 * @param disconnectGrace how long the worker waits for word from the parent before it exits
 */
public record RemoteBootstrap(BootstrapConfig config, String host, int port, String serverFingerprint,
		Tls.Identity identity, Duration disconnectGrace) {

	/** File of the secret directory holding the HMAC secret, raw bytes. */
	public static final String SECRET_FILE = "secret";

	/** File of the secret directory holding the worker's certificate, DER. */
	public static final String CERTIFICATE_FILE = "worker.crt";

	/** File of the secret directory holding the worker's private key, PKCS#8 DER. */
	public static final String KEY_FILE = "worker.key";

	/**
	 * File of the secret directory holding the {@linkplain BootstrapConfig#secretAttributes() secret attributes}, as
	 * the bootstrap block writes them; absent when there are none.
	 */
	public static final String ATTRIBUTES_FILE = "attributes";

	private static final String ATTRIBUTE = "attribute.";

	/** The config file's text for one worker: Java properties, nothing secret. */
	public static String configText(BootstrapConfig config, RemoteEndpoint endpoint) {
		Properties properties = new Properties();
		properties.setProperty("worker-id", config.workerId());
		properties.setProperty("name", config.name());
		properties.setProperty("mode", config.mode());
		properties.setProperty("max-frame-bytes", Integer.toString(config.maxFrameBytes()));
		properties.setProperty("end", config.end().name());
		properties.setProperty("codec", config.codec().name());
		properties.setProperty("codec-provider", config.codec().provider());
		properties.setProperty("codec-stamp", config.codec().stamp());
		properties.setProperty("facts-interval-ms", Long.toString(config.factsMillis()));
		properties.setProperty("host", endpoint.host());
		properties.setProperty("port", Integer.toString(endpoint.port()));
		properties.setProperty("server-sha256", endpoint.serverFingerprint());
		properties.setProperty("disconnect-grace-ms", Long.toString(endpoint.disconnectGrace().toMillis()));
		config.attributes().forEach((key, value) -> properties.setProperty(ATTRIBUTE + key, value));
		StringWriter text = new StringWriter();
		try {
			properties.store(text, "mp remote worker " + config.name() + " (no secrets here)");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString();
	}

	/**
	 * One worker's secret directory, name to content: its own HMAC secret, the run's worker certificate and key, and
	 * its secret attributes if it has any.
	 */
	public static Map<String, byte[]> secretFiles(BootstrapConfig config, RemoteEndpoint endpoint) {
		Map<String, byte[]> files = new LinkedHashMap<>();
		files.put(SECRET_FILE, config.secret());
		files.put(CERTIFICATE_FILE, endpoint.clientCertificate());
		files.put(KEY_FILE, endpoint.clientKey());
		if (!config.secretAttributes().isEmpty()) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try {
				BootstrapConfig.writeAttributes(new DataOutputStream(bytes), config.secretAttributes());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			files.put(ATTRIBUTES_FILE, bytes.toByteArray());
		}
		return files;
	}

	/** Reads what {@link #configText} and {@link #secretFiles} wrote. */
	public static RemoteBootstrap read(Path configFile, Path secretDirectory) throws IOException {
		Properties properties = new Properties();
		properties.load(new StringReader(Files.readString(configFile)));
		Map<String, String> attributes = new LinkedHashMap<>();
		for (String key : properties.stringPropertyNames()) {
			if (key.startsWith(ATTRIBUTE)) {
				attributes.put(key.substring(ATTRIBUTE.length()), properties.getProperty(key));
			}
		}
		String host = required(properties, "host");
		int port = Integer.parseInt(required(properties, "port"));
		byte[] secret = Files.readAllBytes(secretDirectory.resolve(SECRET_FILE));
		Path attributesFile = secretDirectory.resolve(ATTRIBUTES_FILE);
		Map<String, String> secretAttributes = Map.of();
		if (Files.exists(attributesFile)) {
			byte[] bytes = Files.readAllBytes(attributesFile);
			secretAttributes = BootstrapConfig.readAttributes(new DataInputStream(new ByteArrayInputStream(bytes)));
		}
		BootstrapConfig config = new BootstrapConfig(required(properties, "worker-id"), required(properties, "name"),
				secret, host + ":" + port, -1, required(properties, "mode"),
				Integer.parseInt(required(properties, "max-frame-bytes")),
				WorkerEnd.valueOf(properties.getProperty("end", WorkerEnd.ON_SHUTDOWN.name())), attributes,
				secretAttributes, "", 0, new CodecIdentity(required(properties, "codec"),
						required(properties, "codec-provider"), required(properties, "codec-stamp")),
				Long.parseLong(properties.getProperty("facts-interval-ms", "0")));
		Tls.Identity identity;
		try {
			identity = Tls.identity(Files.readAllBytes(secretDirectory.resolve(CERTIFICATE_FILE)),
					Files.readAllBytes(secretDirectory.resolve(KEY_FILE)));
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("Unreadable worker certificate or key in " + secretDirectory + ": " + ex, ex);
		}
		return new RemoteBootstrap(config, host, port, required(properties, "server-sha256"), identity,
				Duration.ofMillis(Long.parseLong(required(properties, "disconnect-grace-ms"))));
	}

	private static String required(Properties properties, String key) throws IOException {
		String value = properties.getProperty(key);
		if (value == null) {
			throw new IOException("The worker config has no '" + key + "'");
		}
		return value;
	}

}

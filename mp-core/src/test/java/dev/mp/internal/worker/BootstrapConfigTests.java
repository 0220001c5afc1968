package dev.mp.internal.worker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.Tls;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker's bootstrap as a local worker reads it on stdin and a remote one from its two files: attributes of any size,
 * and the secret ones only where the secret goes.
 */
class BootstrapConfigTests {

	/** Past {@code writeUTF}'s 64 KiB, in characters that take two and three bytes in UTF-8. */
	private static final String LARGE = "é€".repeat(40_000);

	@TempDir
	Path directory;

	@Test
	void attributesOfAnySizeCrossStdinAndTheLaunchsWin() throws IOException {
		BootstrapConfig config = config(Map.of("spring.sources", LARGE, "shared", "from the options"),
				Map.of("spring.property.app.key", LARGE + "!", "shared", "from the launch"));
		ByteArrayOutputStream stdin = new ByteArrayOutputStream();
		config.write(new DataOutputStream(stdin));
		BootstrapConfig read = BootstrapConfig.read(new DataInputStream(new ByteArrayInputStream(stdin.toByteArray())));
		assertThat(read.attributes()).isEqualTo(config.attributes());
		assertThat(read.secretAttributes()).isEqualTo(config.secretAttributes());
		assertThat(read.mailbox()).isEqualTo("mailbox");
		assertThat(read.spinNanos()).isEqualTo(50_000);
		assertThat(read.modeAttributes()).containsEntry("spring.sources", LARGE)
			.containsEntry("spring.property.app.key", LARGE + "!")
			.containsEntry("shared", "from the launch");
	}

	@Test
	void aRemoteWorkersSecretAttributesAreInItsSecretFilesNeverItsConfig() throws Exception {
		Tls.Identity worker = Tls.selfSigned("mp worker", Duration.ofDays(1));
		RemoteEndpoint endpoint = new RemoteEndpoint("127.0.0.1", 4242, "ab", worker.certificateBytes(),
				worker.keyBytes(), Duration.ofSeconds(5));
		BootstrapConfig config = config(Map.of("spring.sources", "com.acme.App"),
				Map.of("spring.property.db.password", "s3cret-" + LARGE));
		String text = RemoteBootstrap.configText(config, endpoint);
		assertThat(text).contains("com.acme.App").doesNotContain("s3cret").doesNotContain("db.password");
		Map<String, byte[]> secretFiles = RemoteBootstrap.secretFiles(config, endpoint);
		assertThat(secretFiles).containsKey(RemoteBootstrap.ATTRIBUTES_FILE);

		RemoteBootstrap read = read(text, secretFiles);
		assertThat(read.config().attributes()).isEqualTo(config.attributes());
		assertThat(read.config().secretAttributes()).isEqualTo(config.secretAttributes());
	}

	@Test
	void aRemoteWorkerWithoutSecretAttributesHasNoFileForThem() throws Exception {
		Tls.Identity worker = Tls.selfSigned("mp worker", Duration.ofDays(1));
		RemoteEndpoint endpoint = new RemoteEndpoint("127.0.0.1", 4242, "ab", worker.certificateBytes(),
				worker.keyBytes(), Duration.ofSeconds(5));
		BootstrapConfig config = config(Map.of(), Map.of());
		Map<String, byte[]> secretFiles = RemoteBootstrap.secretFiles(config, endpoint);
		assertThat(secretFiles).doesNotContainKey(RemoteBootstrap.ATTRIBUTES_FILE);
		assertThat(read(RemoteBootstrap.configText(config, endpoint), secretFiles).config().secretAttributes())
			.isEmpty();
	}

	private RemoteBootstrap read(String configText, Map<String, byte[]> secretFiles) throws IOException {
		Path configFile = Files.writeString(this.directory.resolve("worker.properties"), configText);
		Path secrets = Files.createDirectory(this.directory.resolve("secret"));
		for (Map.Entry<String, byte[]> file : secretFiles.entrySet()) {
			Files.write(secrets.resolve(file.getKey()), file.getValue());
		}
		return RemoteBootstrap.read(configFile, secrets);
	}

	private static BootstrapConfig config(Map<String, String> attributes, Map<String, String> secretAttributes) {
		return new BootstrapConfig("w1", "pool-1", Handshake.randomBytes(), "/tmp/mp.sock", 42, "spring", 1 << 20,
				WorkerEnd.ON_SHUTDOWN, attributes, secretAttributes, "mailbox", 50_000, CodecIdentity.JAVA, 250);
	}

}

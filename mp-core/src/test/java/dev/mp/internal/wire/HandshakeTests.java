package dev.mp.internal.wire;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeTests {

	@Test
	void theProofIsHmacSha256AsTheJdkComputesIt() throws Exception {
		byte[] secret = Handshake.randomBytes();
		byte[] nonce = Handshake.randomBytes();
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret, "HmacSHA256"));
		mac.update(nonce);
		byte[] expected = mac.doFinal("w42".getBytes(StandardCharsets.UTF_8));
		assertThat(Handshake.proof(secret, nonce, "w42")).isEqualTo(expected);
		assertThat(Handshake.verify(secret, nonce, "w42", expected)).isTrue();
		assertThat(Handshake.verify(secret, nonce, "w43", expected)).isFalse();
		assertThat(Handshake.verify(Handshake.randomBytes(), nonce, "w42", expected)).isFalse();
	}

	@Test
	void helloRoundTrips() {
		byte[] proof = Handshake.randomBytes();
		Handshake.Hello hello = Handshake.parseHello(Handshake.hello("worker-7", proof));
		assertThat(hello.workerId()).isEqualTo("worker-7");
		assertThat(hello.proof()).isEqualTo(proof);
	}

}

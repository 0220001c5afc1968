package dev.mp.kubernetes;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.ProcessTemplate;
import dev.mp.SerializableCallable;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An API server that takes connections and never answers (overloaded, or a network that drops replies): pods are
 * created on the launcher's own threads, so the template goes on starting local processes meanwhile, and the pool's
 * task fails with the reason once the client gives up.
 */
@ExtendWith(NoChildProcessesLeft.class)
class UnansweringApiServerTests {

	/** Long enough that a local start waiting for it would be seen. */
	private static final int REQUEST_TIMEOUT_MILLIS = 6_000;

	/** A client of the silent server that gives up after {@link #REQUEST_TIMEOUT_MILLIS}, without retrying. */
	private static Config clientConfig(ServerSocket silent) {
		return new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
			.withNamespace("apps")
			.withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
			.withConnectionTimeout(REQUEST_TIMEOUT_MILLIS)
			.withRequestRetryBackoffLimit(0)
			.build();
	}

	@Test
	void localProcessesStartWhilePodCreationHangsAndThePoolTaskFailsWithTheReason() throws Exception {
		// the kernel completes connections into the backlog; nothing ever reads them
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Config config = clientConfig(silent);
			KubernetesSettings settings = KubernetesSettings.builder()
				.appName("shop")
				.image("registry.example/app:1.0")
				.bindAddress("127.0.0.1")
				.advertisedHost("127.0.0.1")
				.build();
			try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
					ProcessTemplate template = ProcessTemplate.builder()
						.launcher(new KubernetesWorkerLauncher(client, settings))
						.build()) {
				ProcessPool pods = template.pool("images",
						PoolOptions.builder().size(1).launcher(KubernetesWorkerLauncher.NAME).build());
				CompletableFuture<Integer> onPod = pods.submit((SerializableCallable<Integer>) () -> 1);
				long start = System.nanoTime();
				assertThat(template.submit((SerializableCallable<Integer>) () -> 42).get(60, TimeUnit.SECONDS))
					.isEqualTo(42);
				assertThat(Duration.ofNanos(System.nanoTime() - start))
					.isLessThan(Duration.ofMillis(REQUEST_TIMEOUT_MILLIS - 1_000));
				assertThat(onPod).isNotDone();
				assertThatThrownBy(() -> onPod.get(60, TimeUnit.SECONDS)).cause()
					.isInstanceOf(ProcessStartException.class)
					.hasMessageContaining("cannot create worker pod shop-images-");
			}
		}
	}

	/** A launcher that never launched asks the API server nothing: an app with an unused pod pool closes at once. */
	@Test
	void aLauncherThatNeverLaunchedClosesWithoutAnApiCall() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			try (KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig(silent)).build()) {
				KubernetesWorkerLauncher launcher = new KubernetesWorkerLauncher(client,
						KubernetesSettings.builder().image("registry.example/app:1.0").build());
				ProcessTemplate template = ProcessTemplate.builder().launcher(launcher).build();
				template.pool("images",
						PoolOptions.builder().size(1).minIdle(0).launcher(KubernetesWorkerLauncher.NAME).build());
				long start = System.nanoTime();
				template.close();
				assertThat(Duration.ofNanos(System.nanoTime() - start))
					.isLessThan(Duration.ofMillis(REQUEST_TIMEOUT_MILLIS / 2));
			}
		}
	}

}

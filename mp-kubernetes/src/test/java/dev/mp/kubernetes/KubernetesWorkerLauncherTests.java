package dev.mp.kubernetes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.ChildProcess;
import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessOutOfMemoryException;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.ProcessState;
import dev.mp.ProcessTemplate;
import dev.mp.internal.worker.RemoteBootstrap;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes launcher against fabric8's mock API server in CRUD mode: the pods it creates, how their status maps
 * to worker facts, and their deletion. A {@link FakeKubelet} runs a pod's container command as a local process where a
 * test needs the worker to connect, so the pod spec is proven runnable, over TLS, end to end.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@ExtendWith(NoChildProcessesLeft.class)
class KubernetesWorkerLauncherTests {

	private static final String NAMESPACE = "apps";

	private static final String IMAGE = "registry.example/app:1.0";

	KubernetesClient client;

	@TempDir
	Path directory;

	private ProcessTemplate template;

	private FakeKubelet kubelet;

	private Pod appPod;

	@BeforeEach
	void appPod() {
		this.appPod = this.client.pods()
			.inNamespace(NAMESPACE)
			.resource(new PodBuilder().withNewMetadata()
				.withName("shop-7d9f")
				.withUid("0d5c3f6e-app")
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage(IMAGE)
				.endContainer()
				.endSpec()
				.build())
			.create();
		this.kubelet = new FakeKubelet(this.client, this.directory);
		KubernetesSettings settings = KubernetesSettings.builder()
			.namespace(NAMESPACE)
			.appName("shop")
			.ownerPod("shop-7d9f")
			.serviceAccount("shop-workers")
			.imagePullPolicy("IfNotPresent")
			.javaCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString())
			.bindAddress("127.0.0.1")
			.advertisedHost("127.0.0.1")
			.pingInterval(Duration.ofMillis(500))
			.disconnectGrace(Duration.ofSeconds(5))
			.resources("images", new PodResources("250m", "1", "256Mi", "512Mi"))
			.build();
		this.template = ProcessTemplate.builder()
			.launcher(new KubernetesWorkerLauncher(this.client, settings))
			.build();
	}

	@AfterEach
	void close() {
		this.template.close();
		this.kubelet.close();
	}

	private ProcessPool pool() {
		return this.template.pool("images",
				PoolOptions.builder()
					.size(1)
					.minIdle(1)
					.processOptions(ProcessOptions.builder()
						.maxHeap("2g")
						.environment(Map.of("REPORTS_DIR", "/data"))
						.build())
					.launcher(KubernetesWorkerLauncher.NAME)
					.build());
	}

	private Pod awaitWorkerPod() {
		return await().atMost(Duration.ofSeconds(20)).until(this::workerPod, (pod) -> pod != null);
	}

	private Pod workerPod() {
		return this.client.pods()
			.inNamespace(NAMESPACE)
			.withLabel(KubernetesWorkerLauncher.LABEL_POOL, "images")
			.list()
			.getItems()
			.stream()
			.findFirst()
			.orElse(null);
	}

	private List<Secret> secrets() {
		return this.client.secrets()
			.inNamespace(NAMESPACE)
			.withLabel(KubernetesWorkerLauncher.LABEL_MANAGED_BY, "mp")
			.list()
			.getItems();
	}

	static long pid() {
		return ProcessHandle.current().pid();
	}

	static Object sleepLong() throws InterruptedException {
		Thread.sleep(60_000);
		return null;
	}

	@Test
	void aWorkerPodRunsTheAppImageWithItsResourcesLabelsOwnerAndSecretAsFilesOnly() {
		pool().warmUp();
		Pod pod = awaitWorkerPod();
		Container container = pod.getSpec().getContainers().get(0);
		assertThat(container.getImage()).isEqualTo(IMAGE);
		assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
		assertThat(container.getCommand()).contains("dev.mp.internal.worker.RemoteWorkerMain", "-XX:MaxRAMPercentage=75")
			.doesNotContain("-Xmx2g")
			.endsWith("/etc/mp/config/worker.properties", "/etc/mp/secret");
		assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"))
			.containsEntry("memory", new Quantity("256Mi"));
		assertThat(container.getResources().getLimits()).containsEntry("cpu", new Quantity("1"))
			.containsEntry("memory", new Quantity("512Mi"));
		assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "shop")
			.containsEntry("mp.dev/pool", "images")
			.containsEntry("mp.dev/worker", "w1")
			.containsKey("mp.dev/run");
		assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies((owner) -> {
			assertThat(owner.getKind()).isEqualTo("Pod");
			assertThat(owner.getName()).isEqualTo("shop-7d9f");
			assertThat(owner.getUid()).isEqualTo(this.appPod.getMetadata().getUid());
		});
		assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("shop-workers");
		assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
		assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
		List<Secret> secrets = secrets();
		assertThat(secrets).singleElement()
			.satisfies((secret) -> assertThat(secret.getData()).containsOnlyKeys(RemoteBootstrap.SECRET_FILE,
					RemoteBootstrap.CERTIFICATE_FILE, RemoteBootstrap.KEY_FILE));
		Volume secretVolume = pod.getSpec()
			.getVolumes()
			.stream()
			.filter((v) -> v.getSecret() != null)
			.findFirst()
			.orElseThrow();
		assertThat(secretVolume.getSecret().getSecretName()).isEqualTo(secrets.get(0).getMetadata().getName());
		assertThat(container.getVolumeMounts()).anySatisfy((mount) -> {
			assertThat(mount.getName()).isEqualTo(secretVolume.getName());
			assertThat(mount.getMountPath()).isEqualTo("/etc/mp/secret");
		});
		assertThat(container.getEnv()).singleElement().satisfies((variable) -> {
			assertThat(variable.getName()).isEqualTo("REPORTS_DIR");
			assertThat(variable.getValue()).isEqualTo("/data");
		});
		// no secret byte anywhere in the pod: not in its env, args, annotations or labels, in any encoding
		String podJson = Serialization.asJson(pod);
		for (String encoded : secrets.get(0).getData().values()) {
			byte[] raw = Base64.getDecoder().decode(encoded);
			assertThat(podJson).doesNotContain(encoded)
				.doesNotContain(java.util.HexFormat.of().formatHex(raw))
				.doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
		}
		assertThat(pod.getMetadata().getAnnotations().get(KubernetesWorkerLauncher.CONFIG_ANNOTATION))
			.contains("server-sha256=", "port=", "worker-id=w1");
	}

	/** Each worker proves a handshake secret of its own; only the TLS client identity is the run's. */
	@Test
	void eachWorkerPodMountsASecretOfItsOwn() {
		this.template.pool("images", PoolOptions.builder()
			.size(2)
			.minIdle(2)
			.launcher(KubernetesWorkerLauncher.NAME)
			.build()).warmUp();
		List<Secret> secrets = await().atMost(Duration.ofSeconds(20)).until(this::secrets, (all) -> all.size() == 2);
		assertThat(secrets).extracting((secret) -> secret.getData().get(RemoteBootstrap.SECRET_FILE))
			.doesNotHaveDuplicates();
		assertThat(secrets).extracting((secret) -> secret.getData().get(RemoteBootstrap.KEY_FILE))
			.containsOnly(secrets.get(0).getData().get(RemoteBootstrap.KEY_FILE));
		List<Pod> pods = this.client.pods()
			.inNamespace(NAMESPACE)
			.withLabel(KubernetesWorkerLauncher.LABEL_POOL, "images")
			.list()
			.getItems();
		assertThat(pods).hasSize(2).allSatisfy((pod) -> assertThat(pod.getSpec().getVolumes())
			.anySatisfy((volume) -> assertThat(volume.getSecret()).isNotNull()
				.satisfies((secret) -> assertThat(secret.getSecretName()).isEqualTo(pod.getMetadata().getName()))));
	}

	@Test
	void aPodRunByTheNodeServesCallsAndShowsPodNodeAndPhase() throws Exception {
		ProcessPool pool = pool();
		CompletableFuture<Long> pid = pool.submit(KubernetesWorkerLauncherTests::pid);
		this.kubelet.run(awaitWorkerPod());
		assertThat(pid.get(60, TimeUnit.SECONDS)).isNotEqualTo(pid());
		assertThat(pool.map((Integer i) -> i + 1, List.of(1, 2, 3))).containsExactly(2, 3, 4);
		ChildProcess worker = pool.workers().get(0);
		assertThat(worker.launcher()).isEqualTo("kubernetes");
		assertThat(worker.pid()).isEqualTo(-1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(worker.details()).containsEntry("pod", workerPod().getMetadata().getName())
				.containsEntry("node", FakeKubelet.NODE)
				.containsEntry("phase", "Running"));
	}

	@Test
	void anOomKilledPodFailsItsCallWithTheOutOfMemoryExceptionAndIsDeleted() throws Exception {
		ProcessPool pool = pool();
		CompletableFuture<Long> first = pool.submit(KubernetesWorkerLauncherTests::pid);
		Pod pod = awaitWorkerPod();
		this.kubelet.run(pod);
		first.get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> sleeping = pool.submit(KubernetesWorkerLauncherTests::sleepLong);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.workers().stream().anyMatch((w) -> w.state() == ProcessState.BUSY));
		this.kubelet.oomKill(pod);
		assertThatThrownBy(() -> sleeping.get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessOutOfMemoryException.class,
					(ex) -> assertThat(ex.exitCode()).hasValue(-9))
			.hasMessageContaining("OOMKilled");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).get() == null);
	}

	@Test
	void aFailedImagePullIsAClearStartFailure() {
		ProcessPool pool = pool();
		CompletableFuture<Long> pid = pool.submit(KubernetesWorkerLauncherTests::pid);
		Pod pod = awaitWorkerPod();
		this.kubelet.failPull(pod);
		assertThatThrownBy(() -> pid.get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("ErrImagePull")
			.hasMessageContaining("pull access denied");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).get() == null);
	}

	@Test
	void terminateDeletesThePodAndShutdownDeletesPodsAndTheSecret() {
		ProcessPool pool = pool();
		pool.warmUp();
		Pod first = awaitWorkerPod();
		ChildProcess worker = pool.workers().get(0);
		worker.terminate();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.client.pods().inNamespace(NAMESPACE).withName(first.getMetadata().getName()).get() == null);
		worker.onExit().join();
		// the pool keeps one warm: a new pod
		Pod second = await().atMost(Duration.ofSeconds(20))
			.until(this::workerPod, (pod) -> pod != null && !pod.getMetadata().getName().equals(first.getMetadata().getName()));
		// the first worker's Secret went with it
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(secrets()).singleElement()
				.satisfies((secret) -> assertThat(secret.getMetadata().getName())
					.isEqualTo(second.getMetadata().getName())));
		this.template.close();
		assertThat(this.client.pods().inNamespace(NAMESPACE).withName(second.getMetadata().getName()).get()).isNull();
		assertThat(secrets()).isEmpty();
		assertThat(this.client.pods().inNamespace(NAMESPACE).withName("shop-7d9f").get()).isNotNull();
	}

}

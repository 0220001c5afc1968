package dev.mp.spring.kubernetes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mp.ChildProcess;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.kubernetes.FakeKubelet;
import dev.mp.spring.kubernetes.PodWork.Order;
import dev.mp.spring.kubernetes.PodWork.OutOfStockException;
import dev.mp.spring.kubernetes.PodWork.Where;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @WorkerProcess} methods whose pool runs its workers as Kubernetes pods, end to end in {@code spring} mode: the
 * application creates a pod through fabric8's mock API server, a {@link FakeKubelet} runs the pod's container command
 * as a real local JVM (the remote worker main, its config from the pod's annotation, its secrets from its Secret), and
 * that JVM boots this application's context and connects back over TLS. Nothing in the application's code names pods.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@ExtendWith(NoChildProcessesLeft.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PodWorkerIntegrationTests {

	private static final String NAMESPACE = "apps";

	/** A secret of the application's, from its command line. */
	private static final String PAYMENT_KEY = "pk-live-on-the-command-line";

	/** The mock API server's client: the extension sets a static field once, before {@link #start()}. */
	static KubernetesClient client;

	@TempDir
	static Path directory;

	private static FakeKubelet kubelet;

	private static ConfigurableApplicationContext context;

	private static Process podProcess;

	@BeforeAll
	static void start() throws Exception {
		kubelet = new FakeKubelet(client, directory);
		context = new SpringApplicationBuilder(PodWorkerApplication.class).web(WebApplicationType.NONE)
			// the application's own client, which the auto-configuration then uses instead of making one
			.initializers((app) -> app.getBeanFactory().registerSingleton("mockKubernetesClient", client))
			.properties("mp.pools.pods.launcher=kubernetes", "mp.pools.pods.size=1", "mp.pools.pods.min-idle=1",
					"mp.pools.default.min-idle=0", "mp.kubernetes.namespace=" + NAMESPACE,
					"mp.kubernetes.image=registry.example/shop:1", "mp.kubernetes.app-name=shop",
					"mp.kubernetes.bind-address=127.0.0.1", "mp.kubernetes.advertised-host=127.0.0.1",
					"mp.kubernetes.java-command=" + Path.of(System.getProperty("java.home"), "bin", "java"))
			.run("--shop.payment-key=" + PAYMENT_KEY);
		// the pool keeps one worker warm: its pod, made as the application started, is run by the node
		Pod pod = await().atMost(Duration.ofSeconds(30)).until(PodWorkerIntegrationTests::workerPods,
				(pods) -> pods.size() == 1).get(0);
		podProcess = kubelet.run(pod);
		pool().whenWarm().get(120, TimeUnit.SECONDS);
	}

	@AfterAll
	static void stop() {
		try {
			if (context != null) {
				context.close();
				assertThat(workerPods()).as("worker pods after the context closed").isEmpty();
				assertThat(client.secrets().inNamespace(NAMESPACE).withLabel("mp.dev/pool", "pods").list().getItems())
					.as("worker Secrets after the context closed")
					.isEmpty();
			}
		}
		finally {
			if (kubelet != null) {
				kubelet.close();
			}
		}
	}

	private static List<Pod> workerPods() {
		return client.pods().inNamespace(NAMESPACE).withLabel("mp.dev/pool", "pods").list().getItems();
	}

	private static ProcessPool pool() {
		return context.getBean(ProcessTemplate.class).pool("pods");
	}

	private static PodWork work() {
		return context.getBean(PodWork.class);
	}

	@Test
	void aCallRunsInThePodsJvmInsideTheApplicationsContext() {
		Where where = work().where();
		assertThat(where.pid()).isEqualTo(podProcess.pid()).isNotEqualTo(ProcessHandle.current().pid());
		assertThat(where.child()).isEqualTo("true");
		assertThat(work().where().pid()).as("the same warm pod serves the next call").isEqualTo(podProcess.pid());
	}

	@Test
	void thePodSeesTheApplicationsPropertiesThroughItsSecretOnly() {
		assertThat(work().property("shop.payment-key")).isEqualTo(PAYMENT_KEY);
		Pod pod = workerPods().get(0);
		assertThat(pod.getMetadata().getAnnotations().values()).as("the pod's config").noneMatch((value) -> value
			.contains(PAYMENT_KEY));
		assertThat(pod.getSpec().getContainers().get(0).toString()).as("the pod's command and environment")
			.doesNotContain(PAYMENT_KEY);
		assertThat(client.secrets().inNamespace(NAMESPACE).withLabel("mp.dev/pool", "pods").list().getItems())
			.singleElement()
			// the engine's RemoteBootstrap.ATTRIBUTES_FILE
			.satisfies((secret) -> assertThat(secret.getData()).containsKey("attributes"));
	}

	@Test
	void argumentsAndResultsOfTheApplicationsOwnTypesCrossToThePod() {
		assertThat(work().price(new Order("tea", 4, 0))).isEqualTo(new Order("tea", 4, 1_000));
	}

	@Test
	void anExceptionThrownInThePodReachesTheCallerAsItselfWithBothStacks() {
		assertThatThrownBy(() -> work().refuse("tea")).isInstanceOf(OutOfStockException.class)
			.hasMessage("tea is out of stock")
			.satisfies((thrown) -> {
				List<StackTraceElement> frames = Arrays.asList(thrown.getStackTrace());
				assertThat(frames).as("the pod's frames")
					.anyMatch((frame) -> frame.getClassName().equals(PodWork.class.getName())
							&& frame.getMethodName().equals("refuse"));
				assertThat(frames).as("the caller's frames, after the pod's")
					.anyMatch((frame) -> frame.getClassName().equals(PodWorkerIntegrationTests.class.getName()));
			});
		assertThat(work().where().pid()).as("a thrown exception costs no worker").isEqualTo(podProcess.pid());
	}

	@Test
	void theWorkerIsAPodInSpringModeWithItsPlacement() {
		ChildProcess worker = pool().workers().get(0);
		assertThat(worker.launcher()).isEqualTo("kubernetes");
		assertThat(worker.bootstrapMode()).isEqualTo("spring");
		assertThat(worker.pid()).isEqualTo(-1);
		Pod pod = workerPods().get(0);
		assertThat(pod.getSpec().getContainers().get(0).getCommand()).contains("dev.mp.internal.worker.RemoteWorkerMain");
		assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "shop");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(worker.details()).containsEntry("pod", pod.getMetadata().getName())
				.containsEntry("node", FakeKubelet.NODE)
				.containsEntry("phase", "Running"));
	}

}

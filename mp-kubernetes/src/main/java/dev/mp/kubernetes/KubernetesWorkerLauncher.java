package dev.mp.kubernetes;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import dev.mp.ProcessOptions;
import dev.mp.child.RemoteBootstrap;
import dev.mp.launch.LaunchedWorker;
import dev.mp.launch.RemoteAccess;
import dev.mp.launch.RemoteWorkerCommand;
import dev.mp.launch.WorkerLaunch;
import dev.mp.launch.WorkerLauncher;
import dev.mp.wire.Handshake;

/**
 * Starts pool workers as Kubernetes pods, one worker per pod, through the fabric8 client. A pod runs the app's image
 * (or a configured one) with the remote worker command; its config (nothing secret) is a pod annotation the pod reads
 * through a downward-API file, and its secrets (the run's HMAC secret and the workers' TLS key) are a Kubernetes Secret
 * mounted as files, never in the pod's environment or arguments. One informer on the run's pods turns phases and
 * container states into worker exits; pods are deleted once ended, on terminate and kill, and the Secret goes with the
 * last worker.
 */
public final class KubernetesWorkerLauncher implements WorkerLauncher {

	/** The launcher's name: pools choose it with {@code launcher: kubernetes}. */
	public static final String NAME = "kubernetes";

	static final String LABEL_APP = "app.kubernetes.io/name";

	static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

	static final String LABEL_POOL = "mp.dev/pool";

	static final String LABEL_WORKER = "mp.dev/worker";

	static final String LABEL_RUN = "mp.dev/run";

	static final String CONFIG_ANNOTATION = "mp.dev/worker-config";

	static final String CONFIG_DIRECTORY = "/etc/mp/config";

	static final String CONFIG_FILE = "worker.properties";

	static final String SECRET_DIRECTORY = "/etc/mp/secret";

	private static final Logger logger = LoggerFactory.getLogger(KubernetesWorkerLauncher.class);

	private final KubernetesClient client;

	private final KubernetesSettings settings;

	private final String namespace;

	private final String run = HexFormat.of().formatHex(Handshake.randomBytes(), 0, 4);

	private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	/** The app's own pod, when it runs in one and can be read; looked up once. */
	private Pod ownPod;

	private boolean ownPodLooked;

	private SharedIndexInformer<Pod> informer;

	private String secretName;

	private RemoteAccess access;

	public KubernetesWorkerLauncher(KubernetesClient client, KubernetesSettings settings) {
		this.client = client;
		this.settings = settings;
		this.namespace = (settings.namespace() != null) ? settings.namespace() : client.getNamespace();
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public synchronized RemoteAccess remoteAccess() {
		if (this.access == null) {
			this.access = new RemoteAccess(this.settings.bindAddress(), this.settings.port(), advertisedHost(),
					this.settings.pingInterval(), this.settings.disconnectGrace());
		}
		return this.access;
	}

	/** How pods are made. */
	public KubernetesSettings settings() {
		return this.settings;
	}

	/** The namespace worker pods go to. */
	public String namespace() {
		return this.namespace;
	}

	@Override
	public LaunchedWorker launch(WorkerLaunch launch) throws IOException {
		String podName = podName(launch);
		PodWorker worker;
		synchronized (this.lock) {
			startInformer();
			Secret secret = ensureSecret(launch);
			Pod pod = pod(launch, podName, secret.getMetadata().getName());
			worker = new PodWorker(this, podName, pod.getSpec().getContainers().get(0).getCommand(), launch.tail(),
					this.settings.terminationGrace());
			this.workers.put(podName, worker);
			try {
				this.client.pods().inNamespace(this.namespace).resource(pod).create();
			}
			catch (KubernetesClientException ex) {
				this.workers.remove(podName);
				releaseSecretIfUnused();
				throw new IOException("Cannot create worker pod " + podName + " in namespace " + this.namespace
						+ ": " + ex.getMessage(), ex);
			}
		}
		worker.onExit().whenComplete((exit, failure) -> ended(worker));
		return worker;
	}

	/** The pod of one worker: see the class comment. */
	Pod pod(WorkerLaunch launch, String podName, String secretName) {
		ProcessOptions options = launch.options();
		PodResources resources = this.settings.resources(launch.pool());
		List<String> jvmOptions = new ArrayList<>();
		if (resources.memoryLimit() != null) {
			// the heap follows the pod's memory limit, not the pool's -Xmx, which was sized for this machine
			jvmOptions.add("-XX:MaxRAMPercentage=" + this.settings.heapPercentage());
		}
		else if (options.maxHeap() != null && !options.maxHeap().isBlank()) {
			jvmOptions.add("-Xmx" + options.maxHeap());
		}
		jvmOptions.addAll(options.jvmOptions());
		String classPath = (this.settings.classPath() != null) ? this.settings.classPath() : options.classPath();
		List<String> command = RemoteWorkerCommand.build(this.settings.javaCommand(), jvmOptions,
				options.systemProperties(), classPath, CONFIG_DIRECTORY + "/" + CONFIG_FILE, SECRET_DIRECTORY);
		Map<String, String> labels = labels();
		labels.put(LABEL_POOL, label(launch.pool()));
		labels.put(LABEL_WORKER, label(launch.workerId()));
		ResourceRequirementsBuilder requirements = new ResourceRequirementsBuilder();
		putQuantity(requirements, true, "cpu", resources.cpuRequest());
		putQuantity(requirements, true, "memory", resources.memoryRequest());
		putQuantity(requirements, false, "cpu", resources.cpuLimit());
		putQuantity(requirements, false, "memory", resources.memoryLimit());
		ContainerBuilder container = new ContainerBuilder().withName(PodStatuses.CONTAINER)
			.withImage(image())
			.withImagePullPolicy(this.settings.imagePullPolicy())
			.withCommand(command)
			.withResources(requirements.build())
			.addNewVolumeMount()
			.withName("mp-config")
			.withMountPath(CONFIG_DIRECTORY)
			.withReadOnly(true)
			.endVolumeMount()
			.addNewVolumeMount()
			.withName("mp-secret")
			.withMountPath(SECRET_DIRECTORY)
			.withReadOnly(true)
			.endVolumeMount();
		if (options.workingDirectory() != null) {
			container.withWorkingDir(options.workingDirectory().toString());
		}
		// what mp.worker.environment adds for a local child; never the secret, which is only in the mounted Secret
		options.environment().forEach((name, value) -> container.addNewEnv().withName(name).withValue(value).endEnv());
		return new PodBuilder().withNewMetadata()
			.withName(podName)
			.withNamespace(this.namespace)
			.withLabels(labels)
			.withAnnotations(Map.of(CONFIG_ANNOTATION, RemoteBootstrap.configText(launch.bootstrap(), launch.remote())))
			.withOwnerReferences(ownerReferences())
			.endMetadata()
			.withNewSpec()
			.withRestartPolicy("Never")
			.withServiceAccountName(this.settings.serviceAccount())
			// a worker talks to its parent, not to the API server
			.withAutomountServiceAccountToken(false)
			.withTerminationGracePeriodSeconds(this.settings.terminationGrace().toSeconds())
			.withContainers(container.build())
			.addNewVolume()
			.withName("mp-config")
			.withNewDownwardAPI()
			.addNewItem()
			.withPath(CONFIG_FILE)
			.withNewFieldRef()
			.withFieldPath("metadata.annotations['" + CONFIG_ANNOTATION + "']")
			.endFieldRef()
			.endItem()
			.endDownwardAPI()
			.endVolume()
			.addNewVolume()
			.withName("mp-secret")
			.withNewSecret()
			.withSecretName(secretName)
			// readable by whatever user the image runs as (buildpack images are not root): the volume is mounted in
			// this worker's one container only
			.withDefaultMode(0444)
			.endSecret()
			.endVolume()
			.endSpec()
			.build();
	}

	private static void putQuantity(ResourceRequirementsBuilder requirements, boolean request, String resource,
			String amount) {
		if (amount == null || amount.isBlank()) {
			return;
		}
		if (request) {
			requirements.addToRequests(resource, new Quantity(amount));
		}
		else {
			requirements.addToLimits(resource, new Quantity(amount));
		}
	}

	private Map<String, String> labels() {
		Map<String, String> labels = new LinkedHashMap<>();
		labels.put(LABEL_APP, label(this.settings.appName()));
		labels.put(LABEL_MANAGED_BY, "mp");
		labels.put(LABEL_RUN, this.run);
		return labels;
	}

	/** The run's Secret, created with the first worker of the run (or the first after the last one ended). */
	private Secret ensureSecret(WorkerLaunch launch) {
		String name = label(this.settings.appName()) + "-mp-" + this.run;
		Secret existing = (this.secretName != null)
				? this.client.secrets().inNamespace(this.namespace).withName(this.secretName).get() : null;
		if (existing != null) {
			return existing;
		}
		Map<String, String> data = new LinkedHashMap<>();
		RemoteBootstrap.secretFiles(launch.remote())
			.forEach((file, bytes) -> data.put(file, Base64.getEncoder().encodeToString(bytes)));
		Secret secret = new SecretBuilder().withNewMetadata()
			.withName(name)
			.withNamespace(this.namespace)
			.withLabels(labels())
			.withOwnerReferences(ownerReferences())
			.endMetadata()
			.withType("Opaque")
			.withImmutable(true)
			.withData(data)
			.build();
		Secret created = this.client.secrets().inNamespace(this.namespace).resource(secret).create();
		this.secretName = name;
		return created;
	}

	private void ended(PodWorker worker) {
		synchronized (this.lock) {
			this.workers.remove(worker.podName(), worker);
			releaseSecretIfUnused();
		}
	}

	private void releaseSecretIfUnused() {
		if (this.workers.isEmpty() && this.secretName != null) {
			deleteQuietly(() -> this.client.secrets().inNamespace(this.namespace).withName(this.secretName).delete());
			this.secretName = null;
		}
	}

	/** Watches the run's pods and hands each change to its worker. */
	private void startInformer() {
		if (this.informer != null) {
			return;
		}
		this.informer = this.client.pods()
			.inNamespace(this.namespace)
			.withLabel(LABEL_RUN, this.run)
			.inform(new ResourceEventHandler<>() {

				@Override
				public void onAdd(Pod pod) {
					changed(pod, false);
				}

				@Override
				public void onUpdate(Pod old, Pod pod) {
					changed(pod, false);
				}

				@Override
				public void onDelete(Pod pod, boolean finalStateUnknown) {
					changed(pod, true);
				}

			});
	}

	private void changed(Pod pod, boolean deleted) {
		PodWorker worker = this.workers.get(pod.getMetadata().getName());
		if (worker != null) {
			worker.changed(pod, deleted);
		}
	}

	void deletePod(String podName, long graceSeconds) {
		deleteQuietly(() -> this.client.pods()
			.inNamespace(this.namespace)
			.withName(podName)
			.withGracePeriod(graceSeconds)
			.delete());
	}

	private static void deleteQuietly(Runnable deletion) {
		try {
			deletion.run();
		}
		catch (KubernetesClientException ex) {
			logger.warn("Could not delete a worker resource: {}", ex.getMessage());
		}
	}

	/** The image of worker pods: configured, or the app pod's own. */
	private String image() {
		if (this.settings.image() != null) {
			return this.settings.image();
		}
		Pod own = ownPod();
		if (own == null) {
			throw new IllegalStateException("No image for worker pods: set mp.kubernetes.image (the app does not run "
					+ "in a pod whose image could be read)");
		}
		return own.getSpec().getContainers().get(0).getImage();
	}

	private List<OwnerReference> ownerReferences() {
		Pod own = ownPod();
		if (own == null) {
			return List.of();
		}
		return List.of(new OwnerReferenceBuilder().withApiVersion("v1")
			.withKind("Pod")
			.withName(own.getMetadata().getName())
			.withUid(own.getMetadata().getUid())
			.build());
	}

	private synchronized Pod ownPod() {
		if (!this.ownPodLooked) {
			this.ownPodLooked = true;
			String name = (this.settings.ownerPod() != null) ? this.settings.ownerPod()
					: (System.getenv("KUBERNETES_SERVICE_HOST") != null) ? System.getenv("HOSTNAME") : null;
			if (name != null) {
				try {
					this.ownPod = this.client.pods().inNamespace(this.namespace).withName(name).get();
				}
				catch (KubernetesClientException ex) {
					logger.warn("Cannot read the app's own pod {} (worker pods get no owner): {}", name,
							ex.getMessage());
				}
			}
		}
		return this.ownPod;
	}

	private String advertisedHost() {
		if (this.settings.advertisedHost() != null) {
			return this.settings.advertisedHost();
		}
		String podIp = System.getenv("POD_IP");
		if (podIp != null && !podIp.isBlank()) {
			return podIp;
		}
		Pod own = ownPod();
		if (own != null && own.getStatus() != null && own.getStatus().getPodIP() != null) {
			return own.getStatus().getPodIP();
		}
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot tell workers where to connect: set mp.kubernetes.advertised-host",
					ex);
		}
	}

	private String podName(WorkerLaunch launch) {
		String name = label(this.settings.appName()) + "-" + label(launch.pool()) + "-" + this.run + "-"
				+ label(launch.workerId());
		return (name.length() > 63) ? name.substring(name.length() - 63).replaceFirst("^[^a-z0-9]+", "") : name;
	}

	/** A value fit for a label and a DNS name: lowercase letters, digits and dashes. */
	static String label(String value) {
		String cleaned = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
		return cleaned.isEmpty() ? "x" : (cleaned.length() > 63) ? cleaned.substring(0, 63) : cleaned;
	}

	/** Deletes the pods still known and the Secret, and stops watching. */
	@Override
	public void close() {
		synchronized (this.lock) {
			for (PodWorker worker : List.copyOf(this.workers.values())) {
				deletePod(worker.podName(), 0);
			}
			this.workers.clear();
			releaseSecretIfUnused();
			if (this.informer != null) {
				this.informer.close();
				this.informer = null;
			}
		}
	}

	@Override
	public String toString() {
		return "KubernetesWorkerLauncher[namespace " + this.namespace + ", run " + this.run + "]";
	}

}

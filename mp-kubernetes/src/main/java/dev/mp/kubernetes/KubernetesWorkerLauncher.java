package dev.mp.kubernetes;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.ProcessOptions;
import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.RemoteAccess;
import dev.mp.spi.WorkerLaunch;
import dev.mp.spi.WorkerLauncher;

/**
 * Starts pool workers as Kubernetes pods, one worker per pod, through the fabric8 client. A pod runs the app's image
 * (or a configured one) with the remote worker command; its config (nothing secret) is a pod annotation the pod reads
 * through a downward-API file, and its secrets (its own HMAC secret, the run's worker TLS key) are a Kubernetes Secret
 * of its own mounted as files, never in the pod's environment or arguments. One informer on the run's pods turns
 * phases and container states into worker exits; pods are deleted once ended, on terminate and kill, and a worker's
 * Secret goes with it.
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

	/** API calls at once: pods of a pool warming up are created side by side. */
	private static final int API_THREADS = 4;

	/** How long close() waits for API calls under way before it deletes what it knows. */
	private static final long CLOSE_WAIT_SECONDS = 30;

	private final KubernetesClient client;

	private final KubernetesSettings settings;

	private final String namespace;

	private final String run = HexFormat.of().formatHex(randomBytes(4));

	private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();

	/** Guards the informer; held only by API threads and close(), never by a launch. */
	private final Object lock = new Object();

	/** Guards the look-up of the app's own pod: not the monitor {@link #remoteAccess()} takes in a launch. */
	private final Object ownPodLock = new Object();

	/** Where API calls that may block run (see launch()); threads go when idle. */
	private final ThreadPoolExecutor api = apiThreads();

	private volatile boolean closed;

	/** The app's own pod, when it runs in one and can be read; looked up once. */
	private Pod ownPod;

	private boolean ownPodLooked;

	private SharedIndexInformer<Pod> informer;

	private RemoteAccess access;

	/** Names this run's pods and Secrets apart from another run's of the same app. */
	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

	private static ThreadPoolExecutor apiThreads() {
		AtomicInteger numbers = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(API_THREADS, API_THREADS, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "mp-kubernetes-api-" + numbers.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

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

	/**
	 * Returns at once with the worker; its Secret and pod are created on the launcher's own threads, so that a slow or
	 * unreachable API server holds up no pool and no caller. A pod that cannot be created ends the worker with the
	 * reason, which its pool reports as a start failure.
	 */
	@Override
	public LaunchedWorker launch(WorkerLaunch launch) throws IOException {
		if (this.closed) {
			throw new IOException("The Kubernetes launcher is closed");
		}
		String podName = podName(launch);
		PodWorker worker = new PodWorker(this, podName, command(launch), launch.tail(),
				this.settings.terminationGrace());
		// known before its pod exists, so that the informer's first word of it finds it
		this.workers.put(podName, worker);
		CompletableFuture<Void> creation = new CompletableFuture<>();
		worker.creating(creation);
		worker.onExit().whenComplete((exit, failure) -> ended(worker));
		try {
			this.api.execute(() -> {
				try {
					create(launch, worker);
				}
				finally {
					creation.complete(null);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			creation.complete(null);
			worker.notCreated("the Kubernetes launcher is closed");
		}
		return worker;
	}

	/** Creates a worker's Secret, then its pod (a pod whose Secret is missing would wait for it to be mounted). */
	private void create(WorkerLaunch launch, PodWorker worker) {
		try {
			synchronized (this.lock) {
				if (this.closed) {
					worker.notCreated("the Kubernetes launcher closed before its pod was created");
					return;
				}
				startInformer();
			}
			this.client.secrets().inNamespace(this.namespace).resource(secret(launch, worker.podName())).create();
			this.client.pods().inNamespace(this.namespace).resource(pod(launch, worker.podName())).create();
			if (this.closed) {
				// close() may have deleted the run's pods and Secrets before these existed
				deleteWorkerNow(worker.podName(), 0);
			}
		}
		catch (RuntimeException ex) {
			worker.notCreated("cannot create worker pod " + worker.podName() + " in namespace " + this.namespace + ": "
					+ ex.getMessage());
		}
	}

	/** The command a worker's container runs. */
	private List<String> command(WorkerLaunch launch) {
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
		return launch.bootstrap().remoteCommand(this.settings.javaCommand(), jvmOptions, options.systemProperties(),
				classPath, CONFIG_DIRECTORY + "/" + CONFIG_FILE, SECRET_DIRECTORY);
	}

	/** The pod of one worker: see the class comment. */
	Pod pod(WorkerLaunch launch, String podName) {
		ProcessOptions options = launch.options();
		PodResources resources = this.settings.resources(launch.pool());
		List<String> command = command(launch);
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
			.withAnnotations(Map.of(CONFIG_ANNOTATION, launch.bootstrap().remoteConfigText()))
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
			.withSecretName(podName)
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

	/**
	 * A worker's own Secret: its HMAC secret (no other worker's proves anything for it) and the run's worker TLS
	 * certificate and key. Named after its pod, owned like it by the app's pod, and deleted when the worker ends.
	 */
	private Secret secret(WorkerLaunch launch, String name) {
		Map<String, String> data = new LinkedHashMap<>();
		launch.bootstrap().remoteSecretFiles()
			.forEach((file, bytes) -> data.put(file, Base64.getEncoder().encodeToString(bytes)));
		Map<String, String> labels = labels();
		labels.put(LABEL_POOL, label(launch.pool()));
		labels.put(LABEL_WORKER, label(launch.workerId()));
		return new SecretBuilder().withNewMetadata()
			.withName(name)
			.withNamespace(this.namespace)
			.withLabels(labels)
			.withOwnerReferences(ownerReferences())
			.endMetadata()
			.withType("Opaque")
			.withImmutable(true)
			.withData(data)
			.build();
	}

	/** A worker that ended takes its Secret with it. */
	private void ended(PodWorker worker) {
		this.workers.remove(worker.podName(), worker);
		afterCreation(worker, () -> deleteQuietly(
				() -> this.client.secrets().inNamespace(this.namespace).withName(worker.podName()).delete()));
	}

	/**
	 * Runs an API call on the launcher's threads once the worker's creation has been tried; none once the launcher is
	 * closing, whose close() deletes every pod and Secret of the run.
	 */
	private void afterCreation(PodWorker worker, Runnable call) {
		worker.created().thenRun(() -> {
			try {
				this.api.execute(call);
			}
			catch (RejectedExecutionException ex) {
				// closing
			}
		});
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

	/** Deletes a worker's pod on the launcher's threads, once its creation has been tried. */
	void deletePod(PodWorker worker, long graceSeconds) {
		afterCreation(worker, () -> deleteQuietly(() -> this.client.pods()
			.inNamespace(this.namespace)
			.withName(worker.podName())
			.withGracePeriod(graceSeconds)
			.delete()));
	}

	private void deleteWorkerNow(String podName, long graceSeconds) {
		deleteQuietly(() -> this.client.pods()
			.inNamespace(this.namespace)
			.withName(podName)
			.withGracePeriod(graceSeconds)
			.delete());
		deleteQuietly(() -> this.client.secrets().inNamespace(this.namespace).withName(podName).delete());
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

	private Pod ownPod() {
		synchronized (this.ownPodLock) {
			return lookUpOwnPod();
		}
	}

	private Pod lookUpOwnPod() {
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

	/**
	 * Lets creations and deletions under way finish (those not started find the launcher closed), then deletes the
	 * pods still known and the run's Secrets, and stops watching.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.api.shutdown();
		try {
			if (!this.api.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
				logger.warn("Kubernetes API calls still under way after {} s; deleting the worker pods anyway",
						CLOSE_WAIT_SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this.lock) {
			// the informer starts before the run's first creation: without one there is nothing to delete, and a
			// launcher that never launched makes no API call (the API server may not even be reachable)
			if (this.informer != null) {
				// every pod and Secret of the run, those of workers whose end is still on its way included; a
				// creation still under way deletes its own when it sees the launcher closed
				deleteQuietly(() -> this.client.pods()
					.inNamespace(this.namespace)
					.withLabel(LABEL_RUN, this.run)
					.withGracePeriod(0)
					.delete());
				deleteQuietly(
						() -> this.client.secrets().inNamespace(this.namespace).withLabel(LABEL_RUN, this.run).delete());
				this.informer.close();
				this.informer = null;
			}
			this.workers.clear();
		}
	}

	@Override
	public String toString() {
		return "KubernetesWorkerLauncher[namespace " + this.namespace + ", run " + this.run + "]";
	}

}

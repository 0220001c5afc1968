package dev.mp.kubernetes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link KubernetesWorkerLauncher} makes worker pods and where they connect back. Immutable; see
 * {@link #builder()} for the defaults.
 */
public final class KubernetesSettings {

	private final String namespace;

	private final String image;

	private final String imagePullPolicy;

	private final String serviceAccount;

	private final String appName;

	private final String ownerPod;

	private final String javaCommand;

	private final String classPath;

	private final int heapPercentage;

	private final String bindAddress;

	private final int port;

	private final String advertisedHost;

	private final Duration pingInterval;

	private final Duration disconnectGrace;

	private final Duration terminationGrace;

	private final Map<String, PodResources> resources;

	private KubernetesSettings(Builder builder) {
		this.namespace = builder.namespace;
		this.image = builder.image;
		this.imagePullPolicy = builder.imagePullPolicy;
		this.serviceAccount = builder.serviceAccount;
		this.appName = builder.appName;
		this.ownerPod = builder.ownerPod;
		this.javaCommand = builder.javaCommand;
		this.classPath = builder.classPath;
		this.heapPercentage = builder.heapPercentage;
		this.bindAddress = builder.bindAddress;
		this.port = builder.port;
		this.advertisedHost = builder.advertisedHost;
		this.pingInterval = builder.pingInterval;
		this.disconnectGrace = builder.disconnectGrace;
		this.terminationGrace = builder.terminationGrace;
		this.resources = Map.copyOf(builder.resources);
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The namespace of the worker pods and their Secret; {@code null} for the client's (the app's own). */
	public String namespace() {
		return this.namespace;
	}

	/** The workers' image; {@code null} for the image of the app's own pod (then the app must run in one). */
	public String image() {
		return this.image;
	}

	/** {@code Always}, {@code IfNotPresent}, {@code Never}, or {@code null} for Kubernetes' default. */
	public String imagePullPolicy() {
		return this.imagePullPolicy;
	}

	/** The workers' service account, or {@code null} for the namespace's default. */
	public String serviceAccount() {
		return this.serviceAccount;
	}

	/** The {@code app.kubernetes.io/name} label of worker pods, and the prefix of their names. */
	public String appName() {
		return this.appName;
	}

	/**
	 * The name of the app's own pod, owner of the worker pods so that Kubernetes removes them with it; {@code null}
	 * finds it from {@code HOSTNAME} when the app runs in a cluster.
	 */
	public String ownerPod() {
		return this.ownerPod;
	}

	/** The {@code java} of the image. */
	public String javaCommand() {
		return this.javaCommand;
	}

	/** The workers' class path in the image; {@code null} for the app's own (the same image). */
	public String classPath() {
		return this.classPath;
	}

	/** The share of the memory limit the worker's heap may take ({@code -XX:MaxRAMPercentage}). */
	public int heapPercentage() {
		return this.heapPercentage;
	}

	/** The address the app listens on for workers. */
	public String bindAddress() {
		return this.bindAddress;
	}

	/** The port the app listens on for workers; 0 for any free one. */
	public int port() {
		return this.port;
	}

	/** The host or IP workers connect to; {@code null} for the app pod's IP ({@code POD_IP}, else its own). */
	public String advertisedHost() {
		return this.advertisedHost;
	}

	/** How often the app pings each connected worker. */
	public Duration pingInterval() {
		return this.pingInterval;
	}

	/** How long a worker pod waits for word from the app before it exits by itself. */
	public Duration disconnectGrace() {
		return this.disconnectGrace;
	}

	/** The grace period of a pod deleted by terminate (a kill deletes with none). */
	public Duration terminationGrace() {
		return this.terminationGrace;
	}

	/** CPU and memory of a pool's pods; {@link PodResources#NONE} for a pool not listed. */
	public PodResources resources(String pool) {
		return this.resources.getOrDefault(pool, PodResources.NONE);
	}

	/** Builds {@link KubernetesSettings}. */
	public static final class Builder {

		private String namespace;

		private String image;

		private String imagePullPolicy;

		private String serviceAccount;

		private String appName = "mp";

		private String ownerPod;

		private String javaCommand = "java";

		private String classPath;

		private int heapPercentage = 75;

		private String bindAddress = "0.0.0.0";

		private int port;

		private String advertisedHost;

		private Duration pingInterval = Duration.ofSeconds(10);

		private Duration disconnectGrace = Duration.ofSeconds(60);

		private Duration terminationGrace = Duration.ofSeconds(10);

		private final Map<String, PodResources> resources = new LinkedHashMap<>();

		private Builder() {
		}

		public Builder namespace(String namespace) {
			this.namespace = namespace;
			return this;
		}

		public Builder image(String image) {
			this.image = image;
			return this;
		}

		public Builder imagePullPolicy(String imagePullPolicy) {
			this.imagePullPolicy = imagePullPolicy;
			return this;
		}

		public Builder serviceAccount(String serviceAccount) {
			this.serviceAccount = serviceAccount;
			return this;
		}

		public Builder appName(String appName) {
			this.appName = Objects.requireNonNull(appName, "appName");
			return this;
		}

		public Builder ownerPod(String ownerPod) {
			this.ownerPod = ownerPod;
			return this;
		}

		public Builder javaCommand(String javaCommand) {
			this.javaCommand = Objects.requireNonNull(javaCommand, "javaCommand");
			return this;
		}

		public Builder classPath(String classPath) {
			this.classPath = classPath;
			return this;
		}

		public Builder heapPercentage(int heapPercentage) {
			this.heapPercentage = heapPercentage;
			return this;
		}

		public Builder bindAddress(String bindAddress) {
			this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
			return this;
		}

		public Builder port(int port) {
			this.port = port;
			return this;
		}

		public Builder advertisedHost(String advertisedHost) {
			this.advertisedHost = advertisedHost;
			return this;
		}

		public Builder pingInterval(Duration pingInterval) {
			this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
			return this;
		}

		public Builder disconnectGrace(Duration disconnectGrace) {
			this.disconnectGrace = Objects.requireNonNull(disconnectGrace, "disconnectGrace");
			return this;
		}

		public Builder terminationGrace(Duration terminationGrace) {
			this.terminationGrace = Objects.requireNonNull(terminationGrace, "terminationGrace");
			return this;
		}

		public Builder resources(String pool, PodResources resources) {
			this.resources.put(Objects.requireNonNull(pool, "pool"), Objects.requireNonNull(resources, "resources"));
			return this;
		}

		public KubernetesSettings build() {
			return new KubernetesSettings(this);
		}

	}

}

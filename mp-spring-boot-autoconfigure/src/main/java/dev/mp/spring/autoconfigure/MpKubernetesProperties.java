package dev.mp.spring.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of worker pods, for pools whose launcher is {@code kubernetes}.
 */
@ConfigurationProperties("mp.kubernetes")
public class MpKubernetesProperties {

	/**
	 * Whether pools may run their workers as Kubernetes pods (launcher "kubernetes") when mp-kubernetes is on the
	 * class path.
	 */
	private boolean enabled = true;

	/**
	 * Namespace of the worker pods and their Secret. Defaults to the client's, the app's own in a cluster.
	 */
	private @Nullable String namespace;

	/**
	 * Image of the worker pods. Defaults to the image of the app's own pod.
	 */
	private @Nullable String image;

	/**
	 * Image pull policy of the worker pods: Always, IfNotPresent or Never. Defaults to Kubernetes' own.
	 */
	private @Nullable String imagePullPolicy;

	/**
	 * Service account of the worker pods. Defaults to the namespace's default.
	 */
	private @Nullable String serviceAccount;

	/**
	 * Value of the worker pods' app.kubernetes.io/name label, and the prefix of their names.
	 */
	private String appName = "mp";

	/**
	 * Name of the app's own pod, owner of the worker pods so that Kubernetes deletes them with it. Found from
	 * HOSTNAME in a cluster.
	 */
	private @Nullable String ownerPod;

	/**
	 * The java command in the worker image.
	 */
	private String javaCommand = "java";

	/**
	 * Class path of the worker in its image. Defaults to the app's own, right when workers run the app's image.
	 */
	private @Nullable String classPath;

	/**
	 * Share of a worker pod's memory limit its heap may take (-XX:MaxRAMPercentage).
	 */
	private int heapPercentage = 75;

	/**
	 * Address the app listens on for worker pods, over TLS; it listens only once a Kubernetes pool starts a worker.
	 */
	private String bindAddress = "0.0.0.0";

	/**
	 * Port the app listens on for worker pods; 0 for any free one.
	 */
	private int port = 0;

	/**
	 * Host or IP address worker pods connect to. Defaults to the POD_IP environment variable, then the app pod's IP.
	 */
	private @Nullable String advertisedHost;

	/**
	 * How often the app pings each connected worker pod.
	 */
	private Duration pingInterval = Duration.ofSeconds(10);

	/**
	 * How long a worker pod waits for word from the app before it exits by itself.
	 */
	private Duration disconnectGrace = Duration.ofSeconds(60);

	/**
	 * Grace period of a worker pod deleted on terminate.
	 */
	private Duration terminationGrace = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(@Nullable String namespace) {
		this.namespace = namespace;
	}

	public @Nullable String getImage() {
		return this.image;
	}

	public void setImage(@Nullable String image) {
		this.image = image;
	}

	public @Nullable String getImagePullPolicy() {
		return this.imagePullPolicy;
	}

	public void setImagePullPolicy(@Nullable String imagePullPolicy) {
		this.imagePullPolicy = imagePullPolicy;
	}

	public @Nullable String getServiceAccount() {
		return this.serviceAccount;
	}

	public void setServiceAccount(@Nullable String serviceAccount) {
		this.serviceAccount = serviceAccount;
	}

	public String getAppName() {
		return this.appName;
	}

	public void setAppName(String appName) {
		this.appName = appName;
	}

	public @Nullable String getOwnerPod() {
		return this.ownerPod;
	}

	public void setOwnerPod(@Nullable String ownerPod) {
		this.ownerPod = ownerPod;
	}

	public String getJavaCommand() {
		return this.javaCommand;
	}

	public void setJavaCommand(String javaCommand) {
		this.javaCommand = javaCommand;
	}

	public @Nullable String getClassPath() {
		return this.classPath;
	}

	public void setClassPath(@Nullable String classPath) {
		this.classPath = classPath;
	}

	public int getHeapPercentage() {
		return this.heapPercentage;
	}

	public void setHeapPercentage(int heapPercentage) {
		this.heapPercentage = heapPercentage;
	}

	public String getBindAddress() {
		return this.bindAddress;
	}

	public void setBindAddress(String bindAddress) {
		this.bindAddress = bindAddress;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public @Nullable String getAdvertisedHost() {
		return this.advertisedHost;
	}

	public void setAdvertisedHost(@Nullable String advertisedHost) {
		this.advertisedHost = advertisedHost;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public Duration getDisconnectGrace() {
		return this.disconnectGrace;
	}

	public void setDisconnectGrace(Duration disconnectGrace) {
		this.disconnectGrace = disconnectGrace;
	}

	public Duration getTerminationGrace() {
		return this.terminationGrace;
	}

	public void setTerminationGrace(Duration terminationGrace) {
		this.terminationGrace = terminationGrace;
	}

}

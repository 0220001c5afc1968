package dev.mp.kubernetes;

/**
 * CPU and memory of one pool's worker pods, as Kubernetes quantities ({@code 500m}, {@code 2}, {@code 512Mi},
 * {@code 2Gi}); {@code null} leaves one out. With a memory limit, the worker's maximum heap follows it
 * ({@code -XX:MaxRAMPercentage}) instead of the pool's {@code -Xmx}.
 *
 * @param cpuRequest CPU requested
 * @param cpuLimit CPU limit
 * @param memoryRequest memory requested
 * @param memoryLimit memory limit
 */
public record PodResources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {

	/** No requests and no limits: the namespace's defaults. */
	public static final PodResources NONE = new PodResources(null, null, null, null);

}

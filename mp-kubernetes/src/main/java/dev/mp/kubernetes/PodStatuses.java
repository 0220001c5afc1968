package dev.mp.kubernetes;

import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

import dev.mp.spi.WorkerExit;

/**
 * Reads a worker pod's status as the facts a local worker's exit gives: the container's exit code (137 reads as -9,
 * SIGKILL, as for a local process), {@code OOMKilled}, a container that cannot start (a failed image pull), a pod
 * evicted or failed without a container status.
 */
final class PodStatuses {

	/** The name of the worker container in every worker pod. */
	static final String CONTAINER = "worker";

	/** Waiting reasons after which the container will not start by itself. */
	private static final Set<String> START_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
			"ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

	/** Container exit reasons that say nothing beyond the code. */
	private static final Set<String> PLAIN_REASONS = Set.of("Error", "Completed");

	static final String OOM_KILLED = "OOMKilled";

	private PodStatuses() {
	}

	/** How the worker ended, or {@code null} while it runs or may still start. */
	static WorkerExit exit(Pod pod) {
		PodStatus status = pod.getStatus();
		if (status == null) {
			return null;
		}
		ContainerStatus container = container(status);
		if (container != null && container.getState() != null) {
			ContainerStateTerminated terminated = container.getState().getTerminated();
			if (terminated != null) {
				String reason = terminated.getReason();
				boolean oom = OOM_KILLED.equals(reason);
				String told = (reason == null || PLAIN_REASONS.contains(reason)) ? null
						: join(reason, terminated.getMessage());
				int code = (terminated.getExitCode() != null) ? terminated.getExitCode() : 0;
				return new WorkerExit(WorkerExit.fromExitValue(code), told, oom);
			}
			ContainerStateWaiting waiting = container.getState().getWaiting();
			if (waiting != null && START_FAILURES.contains(waiting.getReason())) {
				return new WorkerExit(null, "the container cannot start: " + join(waiting.getReason(),
						waiting.getMessage()), false);
			}
		}
		String phase = status.getPhase();
		if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
			return new WorkerExit(null, "pod " + phase + ((status.getReason() != null)
					? ": " + join(status.getReason(), status.getMessage()) : ""), false);
		}
		return null;
	}

	/** The pod's phase, or {@code Pending} before it has a status. */
	static String phase(Pod pod) {
		return (pod.getStatus() != null && pod.getStatus().getPhase() != null) ? pod.getStatus().getPhase()
				: "Pending";
	}

	/** The worker container's restart count (0 with the workers' restart policy, Never, unless changed). */
	static int restarts(Pod pod) {
		ContainerStatus container = (pod.getStatus() != null) ? container(pod.getStatus()) : null;
		return (container != null && container.getRestartCount() != null) ? container.getRestartCount() : 0;
	}

	/** What a pod that waits says about why (unschedulable, pulling), for the worker's start-failure report. */
	static String waitingReason(Pod pod) {
		PodStatus status = pod.getStatus();
		if (status == null) {
			return null;
		}
		ContainerStatus container = container(status);
		if (container != null && container.getState() != null && container.getState().getWaiting() != null) {
			ContainerStateWaiting waiting = container.getState().getWaiting();
			return join(waiting.getReason(), waiting.getMessage());
		}
		List<io.fabric8.kubernetes.api.model.PodCondition> conditions = status.getConditions();
		if (conditions != null) {
			for (io.fabric8.kubernetes.api.model.PodCondition condition : conditions) {
				if ("False".equals(condition.getStatus()) && condition.getReason() != null) {
					return condition.getType() + " " + join(condition.getReason(), condition.getMessage());
				}
			}
		}
		return null;
	}

	private static ContainerStatus container(PodStatus status) {
		if (status.getContainerStatuses() == null) {
			return null;
		}
		return status.getContainerStatuses()
			.stream()
			.filter((c) -> CONTAINER.equals(c.getName()))
			.findFirst()
			.orElse(null);
	}

	private static String join(String reason, String message) {
		return (message == null || message.isBlank()) ? reason : reason + ": " + message;
	}

}

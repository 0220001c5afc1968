package dev.mp.kubernetes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Plays the kubelet against the mock API server: runs a worker pod's container command as a local process, with the
 * pod's downward-API config file and its mounted Secret written where the command expects them, and reports the
 * container's state back into the pod's status as a node would.
 */
public final class FakeKubelet implements AutoCloseable {

	public static final String NODE = "node-1";

	private final KubernetesClient client;

	private final Path directory;

	private final Map<String, Process> running = new ConcurrentHashMap<>();

	private final Map<String, Boolean> reported = new ConcurrentHashMap<>();

	public FakeKubelet(KubernetesClient client, Path directory) {
		this.client = client;
		this.directory = directory;
	}

	/** Starts the pod's container and reports it running; its exit is reported as a terminated container. */
	public Process run(Pod pod) throws IOException {
		String name = pod.getMetadata().getName();
		Path root = Files.createDirectories(this.directory.resolve(name));
		Path config = Files.createDirectories(root.resolve("config"));
		Files.writeString(config.resolve(KubernetesWorkerLauncher.CONFIG_FILE),
				pod.getMetadata().getAnnotations().get(KubernetesWorkerLauncher.CONFIG_ANNOTATION));
		Path secrets = Files.createDirectories(root.resolve("secret"));
		String secretName = pod.getSpec()
			.getVolumes()
			.stream()
			.filter((v) -> v.getSecret() != null)
			.map(Volume::getSecret)
			.findFirst()
			.orElseThrow()
			.getSecretName();
		Secret secret = this.client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(secretName).get();
		for (Map.Entry<String, String> file : secret.getData().entrySet()) {
			Files.write(secrets.resolve(file.getKey()), Base64.getDecoder().decode(file.getValue()));
		}
		List<String> command = pod.getSpec()
			.getContainers()
			.get(0)
			.getCommand()
			.stream()
			.map((arg) -> arg.replace(KubernetesWorkerLauncher.CONFIG_DIRECTORY, config.toString())
				.replace(KubernetesWorkerLauncher.SECRET_DIRECTORY, secrets.toString()))
			.toList();
		Process process = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
			.redirectErrorStream(true)
			.redirectOutput(root.resolve("container.log").toFile())
			.start();
		this.running.put(name, process);
		// the scheduler's binding to a node, then the node's report
		this.client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(name).edit((bound) -> {
			bound.getSpec().setNodeName(NODE);
			return bound;
		});
		status(pod, "Running", new ContainerStateBuilder().withNewRunning().endRunning().build());
		process.onExit().thenRun(() -> {
			if (this.reported.putIfAbsent(name, true) == null) {
				int code = process.exitValue();
				status(pod, (code == 0) ? "Succeeded" : "Failed", new ContainerStateBuilder().withNewTerminated()
					.withExitCode(code)
					.withReason((code == 0) ? "Completed" : "Error")
					.endTerminated()
					.build());
			}
		});
		return process;
	}

	/** The kernel's OOM killer in a container at its memory limit: SIGKILL, reported as {@code OOMKilled}. */
	void oomKill(Pod pod) {
		String name = pod.getMetadata().getName();
		this.reported.put(name, true);
		status(pod, "Failed", new ContainerStateBuilder().withNewTerminated()
			.withExitCode(137)
			.withReason("OOMKilled")
			.endTerminated()
			.build());
		this.running.get(name).destroyForcibly();
	}

	/** A node that cannot pull the image. */
	void failPull(Pod pod) {
		status(pod, "Pending", new ContainerStateBuilder().withNewWaiting()
			.withReason("ErrImagePull")
			.withMessage("pull access denied for registry.example/app, repository does not exist")
			.endWaiting()
			.build());
	}

	private void status(Pod pod, String phase, io.fabric8.kubernetes.api.model.ContainerState state) {
		try {
			this.client.pods()
				.inNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.editStatus((current) -> {
					current.setStatus(new PodStatusBuilder().withPhase(phase)
						.withContainerStatuses(new ContainerStatusBuilder().withName(PodStatuses.CONTAINER)
							.withRestartCount(0)
							.withState(state)
							.build())
						.build());
					return current;
				});
		}
		catch (KubernetesClientException ex) {
			// the pod is gone already
		}
	}

	@Override
	public void close() {
		this.running.values().forEach(Process::destroyForcibly);
		this.running.values().forEach((process) -> {
			try {
				process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}


}

package dev.mp.kubernetes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.api.model.Pod;

import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.OutputTail;
import dev.mp.spi.WorkerExit;

/**
 * One worker pod as the parent knows it from the launcher's informer: its phase, node and container state, and how it
 * ended. An ended pod is deleted, so that none is left behind in {@code Completed} or {@code Error}.
 */
final class PodWorker implements LaunchedWorker {

	private final KubernetesWorkerLauncher launcher;

	private final String podName;

	private final List<String> command;

	private final OutputTail tail;

	private final Duration terminationGrace;

	private final CompletableFuture<WorkerExit> exit = new CompletableFuture<>();

	/** Completes once the pod's creation has been tried (see KubernetesWorkerLauncher#launch). */
	private volatile CompletableFuture<Void> created;

	private volatile String phase = "Pending";

	private volatile String node;

	private volatile int restarts;

	private volatile String waiting;

	/** The signal a stop asked for (-15 terminate, -9 kill), reported if the pod goes before it tells its exit. */
	private volatile Integer stopSignal;

	PodWorker(KubernetesWorkerLauncher launcher, String podName, List<String> command, OutputTail tail,
			Duration terminationGrace) {
		this.launcher = launcher;
		this.podName = podName;
		this.command = List.copyOf(command);
		this.tail = tail;
		this.terminationGrace = terminationGrace;
	}

	String podName() {
		return this.podName;
	}

	void creating(CompletableFuture<Void> creation) {
		this.created = creation;
	}

	CompletableFuture<Void> created() {
		return this.created;
	}

	/** The pod could not be created: the worker ends without having run, with the reason. */
	void notCreated(String reason) {
		this.phase = "NotCreated";
		this.tail.add("[pod " + this.podName + "] " + reason);
		this.exit.complete(new WorkerExit(null, reason, false));
	}

	/** A change the informer saw. */
	void changed(Pod pod, boolean deleted) {
		this.phase = deleted ? "Deleted" : PodStatuses.phase(pod);
		if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
			this.node = pod.getSpec().getNodeName();
		}
		this.restarts = PodStatuses.restarts(pod);
		String waitingNow = PodStatuses.waitingReason(pod);
		if (waitingNow != null && !waitingNow.equals(this.waiting)) {
			// what a pod that does not start says about why, for the start failure's report
			this.tail.add("[pod " + this.podName + "] " + waitingNow);
		}
		this.waiting = waitingNow;
		WorkerExit ended = PodStatuses.exit(pod);
		if (ended == null && deleted) {
			Integer signal = this.stopSignal;
			ended = new WorkerExit(signal, (signal != null) ? null : "pod " + this.podName + " deleted", false);
		}
		if (ended != null && this.exit.complete(ended) && !deleted) {
			this.launcher.deletePod(this, 0);
		}
	}

	@Override
	public long pid() {
		return -1;
	}

	@Override
	public List<String> command() {
		return this.command;
	}

	@Override
	public CompletableFuture<WorkerExit> onExit() {
		return this.exit;
	}

	/** Deletes the pod with its termination grace: Kubernetes sends SIGTERM, then SIGKILL. */
	@Override
	public void terminate() {
		stop(-15, this.terminationGrace.toSeconds());
	}

	/** Deletes the pod at once. */
	@Override
	public void kill() {
		stop(-9, 0);
	}

	private void stop(int signal, long graceSeconds) {
		if (this.exit.isDone()) {
			return;
		}
		if (this.stopSignal == null || signal == -9) {
			this.stopSignal = signal;
		}
		this.launcher.deletePod(this, graceSeconds);
	}

	/** Cancels go as frames on the worker's connection. */
	@Override
	public boolean cancel(long callId) {
		return false;
	}

	@Override
	public Map<String, String> details() {
		Map<String, String> details = new LinkedHashMap<>();
		details.put("pod", this.podName);
		details.put("namespace", this.launcher.namespace());
		if (this.node != null) {
			details.put("node", this.node);
		}
		details.put("phase", this.phase);
		details.put("restarts", Integer.toString(this.restarts));
		return details;
	}

	@Override
	public String toString() {
		return "PodWorker[" + this.podName + ", " + this.phase + "]";
	}

}

package dev.mp.junit;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link NoLeftoverProcesses @NoLeftoverProcesses}: notes the test JVM's live descendants before
 * the class, and after it waits for those started since to exit; fails the class naming those that did not, once they
 * are killed. It waits on the processes' exits, never on a fixed sleep.
 */
public final class LeftoverProcessesExtension implements BeforeAllCallback, AfterAllCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(LeftoverProcessesExtension.class);

	/** How long a killed process may take to go, so that the next class does not find it. */
	private static final Duration KILL_WAIT = Duration.ofSeconds(5);

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getStore(NAMESPACE).put(context.getRequiredTestClass(), identities(liveDescendants()));
	}

	@Override
	public void afterAll(ExtensionContext context) throws InterruptedException {
		@SuppressWarnings("unchecked")
		Set<Identity> before = context.getStore(NAMESPACE).get(context.getRequiredTestClass(), Set.class);
		Duration timeout = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), NoLeftoverProcesses.class)
			.map((annotation) -> Duration.ofSeconds(annotation.timeoutSeconds()))
			.orElse(Duration.ofSeconds(15));
		List<ProcessHandle> left = survivors(before, Instant.now().plus(timeout));
		if (left.isEmpty()) {
			return;
		}
		String described = left.stream().map(LeftoverProcessesExtension::describe).collect(Collectors.joining("\n  - "));
		left.forEach(ProcessHandle::destroyForcibly);
		allExit(left, Instant.now().plus(KILL_WAIT));
		throw new AssertionError(context.getRequiredTestClass().getName() + " left " + left.size()
				+ " child process(es) of the test JVM alive " + timeout.toSeconds()
				+ " s after its last test (now killed):\n  - " + described);
	}

	/**
	 * Waits until every descendant started since {@code before} has exited, or the deadline passes.
	 * @return those still alive at the deadline
	 */
	private static List<ProcessHandle> survivors(Set<Identity> before, Instant deadline) throws InterruptedException {
		while (true) {
			List<ProcessHandle> left = liveDescendants().stream()
				.filter((process) -> !before.contains(Identity.of(process)))
				.toList();
			if (left.isEmpty() || !allExit(left, deadline)) {
				return left;
			}
			// these exited; look again, for processes they started meanwhile
		}
	}

	/** @return whether all exited before the deadline */
	private static boolean allExit(List<ProcessHandle> processes, Instant deadline) throws InterruptedException {
		long millis = Duration.between(Instant.now(), deadline).toMillis();
		if (millis <= 0) {
			return processes.stream().noneMatch(ProcessHandle::isAlive);
		}
		try {
			CompletableFuture.allOf(processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
				.get(millis, TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Could not watch the test JVM's child processes", ex.getCause());
		}
	}

	private static List<ProcessHandle> liveDescendants() {
		return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
	}

	private static Set<Identity> identities(List<ProcessHandle> processes) {
		Set<Identity> identities = new HashSet<>();
		processes.forEach((process) -> identities.add(Identity.of(process)));
		return identities;
	}

	private static String describe(ProcessHandle process) {
		ProcessHandle.Info info = process.info();
		return "pid " + process.pid() + ": "
				+ info.commandLine().or(info::command).map(LeftoverProcessesExtension::shorten).orElse("(command unknown)");
	}

	private static String shorten(String command) {
		return (command.length() > 300) ? command.substring(0, 300) + "..." : command;
	}

	/** A process by pid and start time, since pids are reused. */
	private record Identity(long pid, Instant started) {

		static Identity of(ProcessHandle process) {
			return new Identity(process.pid(), process.info().startInstant().orElse(Instant.EPOCH));
		}

	}

}

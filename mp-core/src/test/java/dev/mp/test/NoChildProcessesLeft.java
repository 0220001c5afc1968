package dev.mp.test;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test class that leaves any child process of the test JVM alive. Register it on every class that forks.
 */
public final class NoChildProcessesLeft implements AfterAllCallback {

	@Override
	public void afterAll(ExtensionContext context) {
		Awaitility.await("children of the test JVM to exit")
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> liveDescendants().isEmpty());
		assertThat(liveDescendants()).as("child processes left alive").isEmpty();
	}

	/** Live descendants of this JVM, described. */
	public static List<String> liveDescendants() {
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.map((p) -> p.pid() + " " + p.info().commandLine().orElse("?"))
			.toList();
	}

}

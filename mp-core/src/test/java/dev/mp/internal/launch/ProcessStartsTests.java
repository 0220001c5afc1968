package dev.mp.internal.launch;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(NoChildProcessesLeft.class)
class ProcessStartsTests {

	@Test
	void theThreadThatWaitsForAChildKeepsNotTheStartingThreadsClassLoader() throws Exception {
		// as DevTools' restart class loader, which a JDK thread the whole JVM shares must not keep
		ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
		Thread thread = Thread.currentThread();
		ClassLoader before = thread.getContextClassLoader();
		thread.setContextClassLoader(application);
		Process child;
		try {
			// cat waits for its stdin to close: the child lives until the reaper has been looked at
			child = ProcessStarts.start(new ProcessBuilder("cat"));
			assertThat(thread.getContextClassLoader()).isSameAs(application);
		}
		finally {
			thread.setContextClassLoader(before);
		}
		try {
			String name = "process reaper (pid " + child.pid() + ")";
			Thread reaper = Awaitility.await("the JDK's thread waiting for the child")
				.atMost(Duration.ofSeconds(10))
				.until(() -> reaper(name), Optional::isPresent)
				.get();
			assertThat(reaper.getContextClassLoader()).isNotSameAs(application);
		}
		finally {
			child.getOutputStream().close();
			assertThat(child.waitFor()).isZero();
		}
	}

	private static Optional<Thread> reaper(String name) {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().equals(name)).findFirst();
	}

}

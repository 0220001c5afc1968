package dev.mp.internal.launch;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The local launcher's decisions that need no child: the guard that keeps signals from a stranger who took an exited
 * child's pid (PidReuseIntegrationTests steers a real pid reuse where it runs as root), and the {@code nice} prefix.
 */
class LocalWorkerLauncherTests {

	@Test
	void anExitedChildIsNeitherAskedForItsDescendantsNorSignalled() {
		Process exited = new ExitedProcess();
		assertThatNoException().isThrownBy(() -> LocalWorkerLauncher.signalTree(exited, false));
		assertThatNoException().isThrownBy(() -> LocalWorkerLauncher.signalTree(exited, true));
	}

	@Test
	void aNicenessNeedsTheNiceCommandAndSaysWhichSettingWhenItIsMissing(@TempDir Path empty) throws Exception {
		List<String> java = List.of("java", "-version");
		assertThat(LocalWorkerLauncher.niced(java, 0, empty.toString())).isEqualTo(java);
		assertThat(LocalWorkerLauncher.niced(java, 5, System.getenv("PATH")))
			.satisfies((command) -> assertThat(command.get(0)).endsWith("/nice"))
			.endsWith("-n", "5", "java", "-version");
		assertThatIOException().isThrownBy(() -> LocalWorkerLauncher.niced(java, 5, empty.toString()))
			.withMessageContaining("no 'nice' command on the PATH")
			.withMessageContaining("mp.worker.nice");
	}

	/** A child whose exit has been seen: any look at its pid's current holder fails the test. */
	private static final class ExitedProcess extends Process {

		@Override
		public boolean isAlive() {
			return false;
		}

		@Override
		public Stream<ProcessHandle> descendants() {
			throw new AssertionError("listed the descendants of whoever holds an exited child's pid");
		}

		@Override
		public ProcessHandle toHandle() {
			throw new AssertionError("signalled an exited child's pid");
		}

		@Override
		public OutputStream getOutputStream() {
			return OutputStream.nullOutputStream();
		}

		@Override
		public InputStream getInputStream() {
			return InputStream.nullInputStream();
		}

		@Override
		public InputStream getErrorStream() {
			return InputStream.nullInputStream();
		}

		@Override
		public int waitFor() {
			return 0;
		}

		@Override
		public int exitValue() {
			return 0;
		}

		@Override
		public void destroy() {
			throw new AssertionError("signalled an exited child");
		}

	}

}

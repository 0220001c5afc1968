package dev.mp.test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import dev.mp.internal.launch.OutputPump;
import dev.mp.spi.LaunchedWorker;
import dev.mp.spi.RemoteAccess;
import dev.mp.spi.WorkerExit;
import dev.mp.spi.WorkerLaunch;
import dev.mp.spi.WorkerLauncher;

/**
 * A remote launcher without a cluster: starts each worker as a local process the way a pod runs it, with the remote
 * worker command, its config file and a secret directory written to disk (where a pod has its downward-API file and
 * its mounted Secret), no stdin, and TCP with TLS on the loopback address back to the parent.
 */
public final class FileBootstrapLauncher implements WorkerLauncher {

	private final String name;

	private final Path directory;

	private final RemoteAccess access;

	private final BiConsumer<Path, Path> tamper;

	/**
	 * @param tamper changes the config file and secret directory of each worker before it starts (for tests of what
	 * the parent refuses)
	 */
	public FileBootstrapLauncher(String name, Path directory, Duration disconnectGrace, BiConsumer<Path, Path> tamper) {
		this.name = name;
		this.directory = directory;
		this.access = new RemoteAccess("127.0.0.1", 0, "127.0.0.1", disconnectGrace.dividedBy(4), disconnectGrace);
		this.tamper = tamper;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public RemoteAccess remoteAccess() {
		return this.access;
	}

	@Override
	public LaunchedWorker launch(WorkerLaunch launch) throws IOException {
		Path config = this.directory.resolve(launch.workerId() + ".properties");
		Files.writeString(config, launch.bootstrap().remoteConfigText());
		Path secrets = Files.createDirectory(this.directory.resolve(launch.workerId() + "-secret"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		for (Map.Entry<String, byte[]> file : launch.bootstrap().remoteSecretFiles().entrySet()) {
			Files.write(secrets.resolve(file.getKey()), file.getValue());
		}
		this.tamper.accept(config, secrets);
		List<String> command = launch.bootstrap().remoteCommand(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of("-Xshare:auto"), Map.of(),
				System.getProperty("java.class.path"), config.toString(), secrets.toString());
		Process process = new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
		OutputPump out = new OutputPump(process.getInputStream(), launch.logger(), launch.name(), process.pid(), false,
				launch.tail()).start();
		OutputPump err = new OutputPump(process.getErrorStream(), launch.logger(), launch.name(), process.pid(), true,
				launch.tail()).start();
		return new LaunchedWorker() {

			@Override
			public long pid() {
				return process.pid();
			}

			@Override
			public List<String> command() {
				return command;
			}

			@Override
			public CompletableFuture<WorkerExit> onExit() {
				return process.onExit().thenApply((p) -> WorkerExit.ofExitValue(p.exitValue()));
			}

			@Override
			public void awaitOutput(long millis) throws InterruptedException {
				out.awaitEnd(millis);
				err.awaitEnd(millis);
			}

			@Override
			public void terminate() {
				process.destroy();
			}

			@Override
			public void kill() {
				process.destroyForcibly();
			}

			@Override
			public boolean cancel(long callId) {
				return false;
			}

			@Override
			public Map<String, String> details() {
				return Map.of("config", config.toString());
			}

		};
	}

}

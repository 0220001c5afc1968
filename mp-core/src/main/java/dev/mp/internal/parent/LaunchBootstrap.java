package dev.mp.internal.parent;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.launch.RemoteWorkerCommand;
import dev.mp.internal.worker.BootstrapConfig;
import dev.mp.internal.worker.RemoteBootstrap;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.spi.WorkerBootstrap;

/**
 * A worker's bootstrap as its launcher hands it over: the block itself, and for a remote worker where it connects and
 * how it proves who it is.
 * @param config the block a local worker reads on stdin
 * @param remote where a remote worker connects, or {@code null} for a local one
 */
record LaunchBootstrap(BootstrapConfig config, @Nullable RemoteEndpoint remote) implements WorkerBootstrap {

	@Override
	public void writeTo(DataOutputStream stdin) throws IOException {
		this.config.write(stdin);
	}

	@Override
	public String remoteConfigText() {
		return RemoteBootstrap.configText(this.config, endpoint());
	}

	@Override
	public Map<String, byte[]> remoteSecretFiles() {
		return RemoteBootstrap.secretFiles(this.config, endpoint());
	}

	@Override
	public List<String> remoteCommand(String java, List<String> jvmOptions, Map<String, String> systemProperties,
			String classPath, String configFile, String secretDirectory) {
		return RemoteWorkerCommand.build(java, jvmOptions, systemProperties, classPath, configFile, secretDirectory);
	}

	private RemoteEndpoint endpoint() {
		if (this.remote == null) {
			throw new IllegalStateException("Worker '" + this.config.workerId() + "' is local: it reads its bootstrap on "
					+ "stdin and has no remote endpoint");
		}
		return this.remote;
	}

}

package dev.mp.spi;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a worker must be told at its start, for its launcher to hand over its own way: a local worker reads it on
 * stdin, a remote one from a config file and secret files. The secret never goes into a command line or an
 * environment.
 */
public interface WorkerBootstrap {

	/** Writes the block a local worker reads on stdin, secret included. */
	void writeTo(DataOutputStream stdin) throws IOException;

	/**
	 * The text of a remote worker's config file: where to connect and the parent's certificate fingerprint; nothing
	 * secret.
	 * @throws IllegalStateException for a worker of a local launcher
	 */
	String remoteConfigText();

	/**
	 * A remote worker's secret files by name (its HMAC secret, the TLS certificate and key it presents, its
	 * {@linkplain LaunchAttributes launch attributes}), for a directory only it can read.
	 * @throws IllegalStateException for a worker of a local launcher
	 */
	Map<String, byte[]> remoteSecretFiles();

	/**
	 * The command of a remote worker's JVM, which names its two files and holds nothing secret.
	 * @param java the {@code java} to run, as the worker's machine has it
	 * @param jvmOptions options placed before the main class
	 * @param systemProperties {@code -D} options
	 * @param classPath the worker's class path, as its machine has it (a Boot fat jar starts through its launcher)
	 * @param configFile where the worker finds its config file
	 * @param secretDirectory where the worker finds its secret files
	 */
	List<String> remoteCommand(String java, List<String> jvmOptions, Map<String, String> systemProperties,
			String classPath, String configFile, String secretDirectory);

}

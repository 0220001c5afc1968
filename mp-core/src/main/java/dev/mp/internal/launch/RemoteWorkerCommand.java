package dev.mp.internal.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mp.internal.worker.RemoteWorkerMain;

/**
 * The command of a remote worker (a pod's container): {@code java <options> -cp <class path> RemoteWorkerMain <config
 * file> <secret directory>}. It names the two files and holds nothing secret.
 */
public final class RemoteWorkerCommand {

	private RemoteWorkerCommand() {
	}

	/**
	 * @param java the {@code java} to run, as the worker's machine has it ({@code java} on the image's path)
	 * @param jvmOptions options placed before the main class
	 * @param systemProperties {@code -D} options
	 * @param classPath the worker's class path, as its machine has it (a Boot fat jar starts through its launcher)
	 * @param configFile where the worker finds its config file
	 * @param secretDirectory where the worker finds its secret files
	 */
	public static List<String> build(String java, List<String> jvmOptions, Map<String, String> systemProperties,
			String classPath, String configFile, String secretDirectory) {
		// JvmCommand knows the fat-jar rules; the java is the worker machine's, not this JVM's
		List<String> command = new ArrayList<>(JvmCommand.build(Path.of("/"), jvmOptions, null, systemProperties,
				classPath, RemoteWorkerMain.class.getName()));
		command.set(0, java);
		command.add(configFile);
		command.add(secretDirectory);
		return command;
	}

}

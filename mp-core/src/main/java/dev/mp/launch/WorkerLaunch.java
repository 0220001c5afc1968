package dev.mp.launch;

import java.util.List;

import dev.mp.ProcessOptions;
import dev.mp.child.BootstrapConfig;

/**
 * What a {@link WorkerLauncher} is asked to start.
 *
 * @param workerId the id the worker presents in its handshake
 * @param name the worker's name, for logs
 * @param pool the pool it works for, or {@code null}
 * @param options how its JVM is to be started
 * @param command the command of a local worker JVM (main class {@code WorkerMain}, bootstrap on stdin)
 * @param bootstrap what the worker must be told: for a local worker over stdin; a remote one gets it, less the
 * secret, in a file
 * @param remote where a remote worker connects and how it proves who it is, or {@code null} for a local one
 * @param tail where the launcher puts the worker's last output lines
 * @param logger the logger name the worker's output goes to
 */
public record WorkerLaunch(String workerId, String name, String pool, ProcessOptions options, List<String> command,
		BootstrapConfig bootstrap, RemoteEndpoint remote, OutputTail tail, String logger) {

}

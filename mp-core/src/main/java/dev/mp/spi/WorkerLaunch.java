package dev.mp.spi;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.mp.ProcessOptions;

/**
 * What a {@link WorkerLauncher} is asked to start.
 *
 * @param workerId the id the worker presents in its handshake
 * @param name the worker's name, for logs
 * @param pool the pool it works for, or {@code null}
 * @param options how its JVM is to be started
 * @param command the command of a local worker JVM (main class {@code WorkerMain}, bootstrap on stdin)
 * @param bootstrap what the worker must be told, for the launcher to hand over its own way
 * @param tail where the launcher puts the worker's last output lines
 * @param logger the logger name the worker's output goes to
 */
public record WorkerLaunch(String workerId, String name, @Nullable String pool, ProcessOptions options,
		List<String> command, WorkerBootstrap bootstrap, OutputTail tail, String logger) {

}

package dev.mp.sample;

import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/**
 * Stands for native code that brings its JVM down: in a worker, it costs one call, not the application.
 */
@Service
public class CrashService {

	/** Halts the worker JVM with exit code 3; the caller gets a {@code dev.mp.ProcessDiedException}. */
	@WorkerProcess(name = "crash")
	public String crash() {
		Runtime.getRuntime().halt(3);
		return "unreachable";
	}

}

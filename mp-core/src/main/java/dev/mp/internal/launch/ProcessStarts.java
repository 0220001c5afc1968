package dev.mp.internal.launch;

import java.io.IOException;

/**
 * Starts every process mp starts. On Java 17 the JDK waits for a child on a "process reaper" thread that the whole JVM
 * shares and reuses for later children, and that keeps the context class loader of the thread whose process start
 * made it. Under Spring Boot DevTools that is a restart class loader, one per restart: a reaper thread made in the
 * first context would keep that generation of the application's classes alive for as long as any child is waited
 * for. So the start runs with mp's own class loader, which lives as long as mp's classes do. (Java 25's reaper threads
 * have no context class loader at all.)
 */
final class ProcessStarts {

	private ProcessStarts() {
	}

	static Process start(ProcessBuilder builder) throws IOException {
		Thread thread = Thread.currentThread();
		ClassLoader context = thread.getContextClassLoader();
		thread.setContextClassLoader(ProcessStarts.class.getClassLoader());
		try {
			return builder.start();
		}
		finally {
			thread.setContextClassLoader(context);
		}
	}

}

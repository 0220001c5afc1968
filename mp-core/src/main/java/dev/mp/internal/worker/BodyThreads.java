package dev.mp.internal.worker;

import java.util.HashSet;
import java.util.Set;

/**
 * The threads that keep a JVM from ending: live, not daemons, other than the calling one and the launcher's
 * {@code DestroyJavaVM} (which waits for the others once {@code main} has returned). A process's child waits for those
 * its body started, as a Java {@code main} and Python's {@code Process} do.
 */
final class BodyThreads {

	private BodyThreads() {
	}

	/** The live threads that are not daemons, but for this one and {@code DestroyJavaVM}. */
	static Set<Thread> nonDaemon() {
		ThreadGroup root = Thread.currentThread().getThreadGroup();
		while (root.getParent() != null) {
			root = root.getParent();
		}
		Thread[] threads = new Thread[root.activeCount() + 16];
		int count = root.enumerate(threads, true);
		Set<Thread> found = new HashSet<>();
		for (int i = 0; i < count; i++) {
			Thread thread = threads[i];
			if (thread != Thread.currentThread() && thread.isAlive() && !thread.isDaemon()
					&& !"DestroyJavaVM".equals(thread.getName())) {
				found.add(thread);
			}
		}
		return found;
	}

	/**
	 * Waits until every thread that is not a daemon and was not in {@code before} has ended, those they start in
	 * turn included. An interrupt ends the wait early; the worker then exits as it would have.
	 */
	static void awaitStartedSince(Set<Thread> before) {
		while (true) {
			Set<Thread> started = nonDaemon();
			started.removeAll(before);
			if (started.isEmpty()) {
				return;
			}
			try {
				for (Thread thread : started) {
					thread.join();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}

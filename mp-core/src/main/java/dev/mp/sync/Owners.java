package dev.mp.sync;

/**
 * Who holds a lock or permits: a process id and, for locks, the thread within it, packed into one word so that one
 * compare-and-set takes ownership. A word is never 0 (no process has pid 0), which marks "free".
 */
final class Owners {

	static final int PID = (int) ProcessHandle.current().pid();

	private Owners() {
	}

	/** The calling thread, in this process. */
	@SuppressWarnings("deprecation") // Thread.threadId() is Java 19+, and we run on 17
	static long currentThread() {
		return ((long) PID << 32) | (Thread.currentThread().getId() & 0xFFFF_FFFFL);
	}

	static int pid(long owner) {
		return (int) (owner >>> 32);
	}

	/**
	 * Whether a process is alive. A pid the kernel has since given to another process reads as alive: the cost is a
	 * recovery that does not happen. A pid from another PID namespace reads as dead, so processes of different
	 * namespaces must not share objects (see the README's limits).
	 */
	static boolean alive(int pid) {
		return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}

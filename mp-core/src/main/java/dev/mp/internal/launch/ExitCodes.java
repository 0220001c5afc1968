package dev.mp.internal.launch;

/**
 * Describes exit codes the way Python reports them, negative for a signal (see
 * {@link dev.mp.spi.WorkerExit#fromExitValue}: a child that itself calls {@code System.exit(137)} therefore reads as
 * -9; don't do that).
 */
public final class ExitCodes {

	private static final String[] SIGNALS = { "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
			"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM" };

	private ExitCodes() {
	}

	/** A short tag for an exit: {@code exit-3}, or the signal's name such as {@code SIGKILL}. */
	public static String cause(int exitCode) {
		if (exitCode >= 0) {
			return "exit-" + exitCode;
		}
		int signal = -exitCode;
		return (signal < SIGNALS.length) ? SIGNALS[signal] : "signal-" + signal;
	}

	public static String describe(int exitCode) {
		if (exitCode >= 0) {
			return "exit code " + exitCode;
		}
		int signal = -exitCode;
		String name = (signal < SIGNALS.length) ? SIGNALS[signal] : "signal";
		return "killed by " + name + " (" + signal + "), exit code " + exitCode;
	}

}

package dev.mp;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A pool task ran past its timeout: its worker was killed (a thread cannot be stopped; a process can) and replaced.
 */
public class TaskTimeoutException extends MpException {

	private final Duration timeout;

	private final long pid;

	public TaskTimeoutException(String task, Duration timeout, String worker, long pid) {
		super(task + " ran longer than its timeout of " + timeout + "; its worker '" + worker + "' (pid " + pid
				+ ") was killed and will be replaced", new TimeoutException());
		this.timeout = timeout;
		this.pid = pid;
	}

	public Duration timeout() {
		return this.timeout;
	}

	/** The killed worker's pid. */
	public long pid() {
		return this.pid;
	}

}

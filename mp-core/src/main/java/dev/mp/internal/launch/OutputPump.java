package dev.mp.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mp.spi.OutputTail;

/**
 * Drains one output stream of a local child into the parent's SLF4J log through {@link OutputLines}, on a thread of its
 * own. A child that floods its output cannot block itself or the parent: the pump always keeps reading.
 */
public final class OutputPump implements Runnable {

	private final InputStream in;

	private final OutputLines lines;

	private final String threadName;

	private final CountDownLatch finished = new CountDownLatch(1);

	/**
	 * @param in the child's stdout or stderr
	 * @param loggerName see {@link OutputLines}
	 * @param name the worker's name
	 * @param pid the worker's pid
	 * @param error {@code true} for stderr (logged at WARN), {@code false} for stdout (INFO)
	 * @param tail where the last lines are kept
	 */
	public OutputPump(InputStream in, String loggerName, String name, long pid, boolean error, OutputTail tail) {
		this.in = in;
		this.lines = new OutputLines(loggerName, name, pid, error, tail);
		this.threadName = "mp-" + (error ? "stderr-" : "stdout-") + pid;
	}

	/** Starts draining on a daemon thread. */
	public OutputPump start() {
		Thread thread = new Thread(this, this.threadName);
		thread.setDaemon(true);
		thread.start();
		return this;
	}

	@Override
	public void run() {
		byte[] buffer = new byte[8192];
		try {
			int read;
			while ((read = this.in.read(buffer)) != -1) {
				this.lines.accept(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// the stream closes when the child dies; whatever was read is already logged
		}
		finally {
			this.lines.finish();
			this.finished.countDown();
		}
	}

	/** Waits until the stream has ended and every line is logged, at most {@code millis}. */
	public boolean awaitEnd(long millis) throws InterruptedException {
		return this.finished.await(millis, TimeUnit.MILLISECONDS);
	}

}

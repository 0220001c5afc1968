package dev.mp.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Drains one output stream of a child into the parent's SLF4J log, one line per event, tagged with the worker's name
 * and pid (in the message and in the MDC keys {@code mp.worker} and {@code mp.pid}), and adds every line to an
 * {@link OutputTail} for crash reports. A child that never ends a line, or floods its output, cannot block itself or the parent: lines are cut at
 * {@value #MAX_LINE_CHARS} characters and the pump always keeps reading.
 */
public final class OutputPump implements Runnable {

	/** Longest line logged as one event. */
	public static final int MAX_LINE_CHARS = 8192;

	private final InputStream in;

	private final Logger logger;

	private final boolean error;

	private final String name;

	private final long pid;

	private final OutputTail tail;

	private final CountDownLatch finished = new CountDownLatch(1);

	/**
	 * @param in the child's stdout or stderr
	 * @param loggerName the last part of the logger's name ({@code dev.mp.worker.<loggerName>}): a pool or a name
	 * prefix, shared by many children
	 * @param name the worker's name
	 * @param pid the worker's pid
	 * @param error {@code true} for stderr (logged at WARN), {@code false} for stdout (INFO)
	 * @param tail where the last lines are kept
	 */
	public OutputPump(InputStream in, String loggerName, String name, long pid, boolean error, OutputTail tail) {
		this.in = in;
		this.logger = LoggerFactory.getLogger("dev.mp.worker." + loggerName);
		this.name = name;
		this.pid = pid;
		this.error = error;
		this.tail = tail;
	}

	/** Starts draining on a daemon thread. */
	public OutputPump start() {
		Thread thread = new Thread(this, "mp-" + (this.error ? "stderr-" : "stdout-") + this.pid);
		thread.setDaemon(true);
		thread.start();
		return this;
	}

	@Override
	public void run() {
		MDC.put("mp.worker", this.name);
		MDC.put("mp.pid", Long.toString(this.pid));
		Charset charset = Charset.defaultCharset();
		byte[] buffer = new byte[8192];
		LineBuffer line = new LineBuffer();
		try {
			int read;
			while ((read = this.in.read(buffer)) != -1) {
				for (int i = 0; i < read; i++) {
					byte b = buffer[i];
					if (b == '\n') {
						emit(line.take(charset));
					}
					else if (b != '\r') {
						line.add(b);
						if (line.size() >= MAX_LINE_CHARS) {
							emit(line.take(charset));
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// the stream closes when the child dies; whatever was read is already logged
		}
		finally {
			if (line.size() > 0) {
				emit(line.take(charset));
			}
			MDC.clear();
			this.finished.countDown();
		}
	}

	private void emit(String text) {
		if (this.error) {
			this.logger.warn("[{}:{}] {}", this.name, this.pid, text);
		}
		else {
			this.logger.info("[{}:{}] {}", this.name, this.pid, text);
		}
		this.tail.add(text);
	}

	/** Waits until the stream has ended and every line is logged, at most {@code millis}. */
	public boolean awaitEnd(long millis) throws InterruptedException {
		return this.finished.await(millis, TimeUnit.MILLISECONDS);
	}

	private static final class LineBuffer {

		private byte[] bytes = new byte[256];

		private int size;

		void add(byte b) {
			if (this.size == this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, this.size * 2);
			}
			this.bytes[this.size++] = b;
		}

		int size() {
			return this.size;
		}

		String take(Charset charset) {
			String text = new String(this.bytes, 0, this.size, charset);
			this.size = 0;
			return text;
		}

	}

}

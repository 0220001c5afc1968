package dev.mp.internal.launch;

import java.nio.charset.Charset;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.mp.spi.OutputTail;

/**
 * Cuts one output stream of a child into lines and logs each as one SLF4J event, tagged with the worker's name and pid
 * (in the message and in the MDC keys {@code mp.worker} and {@code mp.pid}), adding every line to an
 * {@link OutputTail} for crash reports. Fed by an {@link OutputPump} from a local child's pipe, or by the parent with
 * the output a remote worker sends over its connection. Lines are cut at {@value #MAX_LINE_CHARS} bytes, so a child that
 * never ends a line cannot make the parent hold more.
 */
public final class OutputLines {

	/** Longest line logged as one event. */
	public static final int MAX_LINE_CHARS = 8192;

	private final Logger logger;

	private final boolean error;

	private final String name;

	private final String pid;

	/** How the worker is named in each message: name and pid, or only the name where it has no pid here. */
	private final String tag;

	private final OutputTail tail;

	private final Charset charset = Charset.defaultCharset();

	private byte[] line = new byte[256];

	private int size;

	/**
	 * @param loggerName the last part of the logger's name ({@code dev.mp.worker.<loggerName>}): a pool or a name
	 * prefix, shared by many children
	 * @param name the worker's name
	 * @param pid the worker's pid, or -1 for a worker with none on this machine (a pod)
	 * @param error {@code true} for stderr (logged at WARN), {@code false} for stdout (INFO)
	 * @param tail where the last lines are kept
	 */
	public OutputLines(String loggerName, String name, long pid, boolean error, OutputTail tail) {
		this.logger = LoggerFactory.getLogger("dev.mp.worker." + loggerName);
		this.name = name;
		this.pid = (pid >= 0) ? Long.toString(pid) : null;
		this.tag = (pid >= 0) ? name + ":" + pid : name;
		this.error = error;
		this.tail = tail;
	}

	/** Takes bytes of the stream; each complete line is logged at once. Not thread-safe: one feeder per stream. */
	public void accept(byte[] bytes, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				emit();
			}
			else if (b != '\r') {
				if (this.size == this.line.length) {
					this.line = Arrays.copyOf(this.line, this.size * 2);
				}
				this.line[this.size++] = b;
				if (this.size >= MAX_LINE_CHARS) {
					emit();
				}
			}
		}
	}

	/** The stream has ended: logs what is left of a last line without its end. */
	public void finish() {
		if (this.size > 0) {
			emit();
		}
	}

	private void emit() {
		String text = new String(this.line, 0, this.size, this.charset);
		this.size = 0;
		MDC.put("mp.worker", this.name);
		if (this.pid != null) {
			MDC.put("mp.pid", this.pid);
		}
		try {
			if (this.error) {
				this.logger.warn("[{}] {}", this.tag, text);
			}
			else {
				this.logger.info("[{}] {}", this.tag, text);
			}
		}
		finally {
			MDC.remove("mp.worker");
			MDC.remove("mp.pid");
		}
		this.tail.add(text);
	}

}

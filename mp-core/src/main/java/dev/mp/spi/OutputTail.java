package dev.mp.spi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a child wrote to stdout and stderr, interleaved as they arrived, for crash reports.
 */
public final class OutputTail {

	private final int capacity;

	private final Deque<String> lines = new ArrayDeque<>();

	public OutputTail(int capacity) {
		this.capacity = capacity;
	}

	/** Adds a line, dropping the oldest when full; launchers add what they learn of a worker that is not its output. */
	public synchronized void add(String line) {
		if (this.lines.size() == this.capacity) {
			this.lines.removeFirst();
		}
		this.lines.addLast(line);
	}

	/** The kept lines, oldest first. */
	public synchronized List<String> lines() {
		return new ArrayList<>(this.lines);
	}

}

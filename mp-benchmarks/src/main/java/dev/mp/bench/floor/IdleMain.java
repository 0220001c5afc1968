package dev.mp.bench.floor;

import java.io.IOException;

/**
 * The idle-memory floor: a JVM that says {@code ready} on stdout, then waits, doing nothing, until its stdin closes
 * (the same "EOF on stdin means the parent is gone" rule mp's workers follow).
 */
public final class IdleMain {

	/** The line printed once the JVM is up. */
	public static final String READY = "ready";

	private IdleMain() {
	}

	public static void main(String[] args) throws IOException {
		System.out.println(READY);
		System.out.flush();
		while (System.in.read() >= 0) {
			// discard until EOF
		}
	}

}

package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** A process's resident set size, from Linux's {@code /proc/<pid>/status}; empty elsewhere. */
final class ResidentMemory {

	private ResidentMemory() {
	}

	static OptionalLong of(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					String kib = line.substring("VmRSS:".length()).replace("kB", "").trim();
					return OptionalLong.of(Long.parseLong(kib) * 1024);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or the process is gone
		}
		return OptionalLong.empty();
	}

}

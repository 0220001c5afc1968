package dev.mp.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory limit of this process's control group (Linux): what this JVM and the workers it starts share, in a
 * container as on a host with limits. Read from cgroup v2's {@code memory.max}, or v1's
 * {@code memory.limit_in_bytes}, of the process's own group and of each group above it, the smallest one counting.
 */
final class ContainerMemory {

	/** Where v1 writes "no limit": the largest page count, in bytes (more than any machine has). */
	private static final long V1_UNLIMITED = Long.MAX_VALUE / 2;

	private ContainerMemory() {
	}

	/** The limit of this process, or empty without one (or off Linux). */
	static OptionalLong limit() {
		return limit(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
	}

	/**
	 * @param membership a process's {@code /proc/<pid>/cgroup}
	 * @param mount where the cgroup file systems are mounted ({@code /sys/fs/cgroup})
	 * @return the smallest limit on the way from the process's groups up to the roots, or empty without any
	 */
	static OptionalLong limit(Path membership, Path mount) {
		List<String> lines;
		try {
			lines = Files.readAllLines(membership);
		}
		catch (IOException ex) {
			return OptionalLong.empty();
		}
		long limit = Long.MAX_VALUE;
		for (String line : lines) {
			// hierarchy-id:controllers:path, such as "0::/app.slice" (v2) or "4:memory:/docker/abc" (v1)
			String[] fields = line.split(":", 3);
			if (fields.length < 3) {
				continue;
			}
			if (fields[0].equals("0") && fields[1].isEmpty()) {
				limit = Math.min(limit, smallest(mount, fields[2], "memory.max"));
			}
			else if (Arrays.asList(fields[1].split(",")).contains("memory")) {
				limit = Math.min(limit, smallest(mount.resolve("memory"), fields[2], "memory.limit_in_bytes"));
			}
		}
		return (limit < V1_UNLIMITED) ? OptionalLong.of(limit) : OptionalLong.empty();
	}

	/**
	 * The smallest limit from the group up to the root of its hierarchy. Without a cgroup namespace a container
	 * sees its group under the host's path, which its own mount does not have; the mount's root is then its group.
	 */
	private static long smallest(Path root, String group, String file) {
		long limit = read(root.resolve(file));
		for (Path dir = root.resolve(group.replaceFirst("^/+", "")).normalize(); dir.startsWith(root)
				&& !dir.equals(root); dir = dir.getParent()) {
			limit = Math.min(limit, read(dir.resolve(file)));
		}
		return limit;
	}

	/** A limit file's value: a number of bytes, or {@code max} (v2) for none. */
	private static long read(Path file) {
		try {
			String value = Files.readString(file).strip();
			return value.equals("max") ? Long.MAX_VALUE : Long.parseLong(value);
		}
		catch (IOException | NumberFormatException ex) {
			return Long.MAX_VALUE;
		}
	}

}

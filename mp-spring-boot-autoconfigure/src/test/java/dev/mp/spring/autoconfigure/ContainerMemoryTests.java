package dev.mp.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroup memory limit, read from a made-up {@code /proc/self/cgroup} and cgroup mount.
 */
class ContainerMemoryTests {

	@TempDir
	Path dir;

	@Test
	void version2ReadsTheGroupsMemoryMax() throws IOException {
		write("cgroup/app.slice/app.service/memory.max", "2147483648\n");
		assertThat(limit("0::/app.slice/app.service\n")).hasValue(2L << 30);
	}

	@Test
	void aGroupAboveWithASmallerLimitWins() throws IOException {
		write("cgroup/pods/pod1/memory.max", "1073741824\n");
		write("cgroup/pods/pod1/ctr/memory.max", "max\n");
		assertThat(limit("0::/pods/pod1/ctr\n")).hasValue(1L << 30);
	}

	@Test
	void withACgroupNamespaceTheMountsRootIsTheGroup() throws IOException {
		write("cgroup/memory.max", "536870912\n");
		assertThat(limit("0::/\n")).hasValue(512L << 20);
	}

	@Test
	void withoutANamespaceAHostPathMissingHereFallsBackToTheMountsRoot() throws IOException {
		write("cgroup/memory/memory.limit_in_bytes", "805306368\n");
		assertThat(limit("4:memory:/docker/0123abcd\n")).hasValue(768L << 20);
	}

	@Test
	void version1ReadsTheMemoryControllersLimit() throws IOException {
		write("cgroup/memory/kubepods/pod1/memory.limit_in_bytes", "1073741824\n");
		write("cgroup/memory/kubepods/memory.limit_in_bytes", "9223372036854771712\n");
		write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
		assertThat(limit("9:cpu,cpuacct:/kubepods/pod1\n4:memory:/kubepods/pod1\n0::/\n")).hasValue(1L << 30);
	}

	@Test
	void noLimitReadsAsNone() throws IOException {
		write("cgroup/memory.max", "max\n");
		write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
		assertThat(limit("4:memory:/\n0::/\n")).isEmpty();
		assertThat(ContainerMemory.limit(this.dir.resolve("no-such-file"), this.dir.resolve("cgroup"))).isEmpty();
	}

	private java.util.OptionalLong limit(String membership) throws IOException {
		Path file = write("proc-self-cgroup", membership);
		return ContainerMemory.limit(file, this.dir.resolve("cgroup"));
	}

	private Path write(String path, String content) throws IOException {
		Path file = this.dir.resolve(path);
		Files.createDirectories(file.getParent());
		return Files.writeString(file, content);
	}

}

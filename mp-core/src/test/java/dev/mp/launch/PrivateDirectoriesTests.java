package dev.mp.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PrivateDirectoriesTests {

	@Test
	void aDirectoryLeftByADeadProcessIsRemovedAndOnesOfLiveProcessesAreKept(@TempDir Path parent) throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		Path abandoned = Files.createDirectories(parent.resolve("mp-test-" + gone.pid() + "-123"));
		Files.writeString(abandoned.resolve("workers.sock"), "");
		Path mine = Files.createDirectories(parent.resolve("mp-test-" + ProcessHandle.current().pid() + "-456"));
		Path other = Files.createDirectories(parent.resolve("mp-other-" + gone.pid() + "-789"));

		Path made = PrivateDirectories.create(parent, "mp-test-");

		assertThat(abandoned).doesNotExist();
		assertThat(mine).exists();
		assertThat(other).as("another prefix").exists();
		assertThat(made.getFileName().toString()).startsWith("mp-test-" + ProcessHandle.current().pid() + "-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rwx------");
		PrivateDirectories.delete(made);
		assertThat(made).doesNotExist();
	}

}

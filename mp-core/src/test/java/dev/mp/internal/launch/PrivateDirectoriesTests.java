package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sweep of directories left by dead processes goes by pid, start time and pid namespace, never by pid alone.
 */
@ExtendWith(NoChildProcessesLeft.class)
class PrivateDirectoriesTests {

	private static final String PREFIX = "mp-test-";

	@Test
	void aDirectoryLeftByADeadProcessIsRemovedAndOnesOfLiveProcessesAreKept(@TempDir Path parent) throws Exception {
		ProcessIdentity gone = identityOfAnEndedProcess();
		Path abandoned = directoryOf(parent, gone, "1");
		Files.writeString(abandoned.resolve("workers.sock"), "");
		Path mine = directoryOf(parent, ProcessIdentity.current(), "2");
		Path other = Files.createDirectories(parent.resolve("mp-other-" + gone.pid() + "-3"));
		Files.writeString(other.resolve(PrivateDirectories.OWNER), gone.format());
		Path unrecorded = Files.createDirectories(parent.resolve(PREFIX + gone.pid() + "-4"));

		Path made = PrivateDirectories.create(parent, PREFIX);

		assertThat(abandoned).doesNotExist();
		assertThat(mine).exists();
		assertThat(other).as("another prefix").exists();
		assertThat(unrecorded).as("no record of its maker: being made, or not ours to judge").exists();
		assertThat(made.getFileName().toString()).startsWith(PREFIX + ProcessHandle.current().pid() + "-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rwx------");
		assertThat(ProcessIdentity.parse(Files.readString(made.resolve(PrivateDirectories.OWNER))))
			.hasValue(ProcessIdentity.current());
		PrivateDirectories.delete(made);
		assertThat(made).doesNotExist();
	}

	@Test
	void aDirectoryOfAnotherPidNamespaceIsKeptThoughItsPidIsFreeHere(@TempDir Path parent) throws Exception {
		ProcessIdentity gone = identityOfAnEndedProcess();
		ProcessIdentity inAnotherContainer = new ProcessIdentity(gone.pid(), gone.start(), "pid:[1]");
		Path theirs = directoryOf(parent, inAnotherContainer, "1");

		PrivateDirectories.delete(PrivateDirectories.create(parent, PREFIX));

		assertThat(theirs).exists();
	}

	@Test
	void aDirectoryWhosePidNowBelongsToAnotherProcessIsRemoved(@TempDir Path parent) throws Exception {
		ProcessIdentity self = ProcessIdentity.current();
		ProcessIdentity earlierHolderOfMyPid = new ProcessIdentity(self.pid(), "1", self.pidNamespace());
		Path abandoned = directoryOf(parent, earlierHolderOfMyPid, "1");

		PrivateDirectories.delete(PrivateDirectories.create(parent, PREFIX));

		assertThat(abandoned).doesNotExist();
	}

	@Test
	void aDirectoryOfAZombieIsRemoved(@TempDir Path parent) throws Exception {
		// sh starts a short child, then becomes a sleep that never reaps it: the child stays a zombie
		Process holder = new ProcessBuilder("sh", "-c", "true & exec sleep 600").start();
		try {
			ProcessHandle zombie = await().atMost(Duration.ofSeconds(10))
				.until(() -> holder.descendants().filter((p) -> state(p.pid()).equals("Z")).findFirst().orElse(null),
						(found) -> found != null);
			List<String> stat = statFields(zombie.pid());
			ProcessIdentity dead = new ProcessIdentity(zombie.pid(), stat.get(19),
					ProcessIdentity.current().pidNamespace());
			assertThat(zombie.isAlive()).as("the JDK counts a zombie as alive").isTrue();
			Path abandoned = directoryOf(parent, dead, "1");

			PrivateDirectories.delete(PrivateDirectories.create(parent, PREFIX));

			assertThat(abandoned).doesNotExist();
		}
		finally {
			holder.destroyForcibly();
			holder.waitFor();
		}
	}

	@Test
	void readsItsOwnRecordBack() {
		ProcessIdentity self = ProcessIdentity.current();
		assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
		assertThat(self.start()).isNotBlank();
		assertThat(self.isRunning()).isTrue();
		assertThat(ProcessIdentity.parse(self.format())).hasValue(self);
		assertThat(ProcessIdentity.parse("12 x")).isEmpty();
		assertThat(ProcessIdentity.parse("twelve 1 pid:[2]")).isEmpty();
	}

	private static ProcessIdentity identityOfAnEndedProcess() throws Exception {
		Process process = new ProcessBuilder("sleep", "600").start();
		ProcessIdentity identity = ProcessIdentity.running(process.pid()).orElseThrow();
		process.destroyForcibly();
		process.waitFor();
		return identity;
	}

	private static Path directoryOf(Path parent, ProcessIdentity maker, String suffix) throws IOException {
		Path directory = Files.createDirectories(parent.resolve(PREFIX + maker.pid() + "-" + suffix));
		Files.writeString(directory.resolve(PrivateDirectories.OWNER), maker.format());
		return directory;
	}

	private static String state(long pid) {
		try {
			return statFields(pid).get(0);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** The fields of {@code /proc/<pid>/stat} after the command: the state first. */
	private static List<String> statFields(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		return List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
	}

}

package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.test.JavaProcesses;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache directory's size bound: least recently used entries go first, and an entry that a live parent (this JVM
 * or another) uses is kept, over the bound if need be.
 */
@ExtendWith(NoChildProcessesLeft.class)
class CacheDirectoryTests {

	private static final int MIB = 1 << 20;

	@TempDir
	Path cache;

	@Test
	void leastRecentlyUsedEntriesArePrunedUntilTheRestFit() throws Exception {
		Path oldest = extracted("app-1", 3, 300);
		Path older = archive("aaaa.jsa", 3, 200);
		Path recent = extracted("app-2", 3, 100);
		Path newest = archive("bbbb.aot", 3, 0);

		assertThat(CacheDirectory.prune(this.cache, 7L * MIB)).isEqualTo(2);

		assertThat(oldest).doesNotExist();
		assertThat(older).doesNotExist();
		assertThat(recent).isDirectory();
		assertThat(newest).isRegularFile();
		assertThat(this.cache.resolve("extracted")).isDirectoryNotContaining("glob:**/.pruned-*");
		assertThat(CacheDirectory.prune(this.cache, 7L * MIB)).isZero();
	}

	@Test
	void aUseCountsAsRecentAndAnEntryInUseHereIsKept() throws Exception {
		Path oldest = archive("aaaa.jsa", 3, 300);
		Path older = extracted("app-1", 3, 200);
		Path newest = extracted("app-2", 3, 0);
		CacheDirectory.use(this.cache, oldest); // now the most recent, and in use by this JVM

		assertThat(CacheDirectory.prune(this.cache, 6L * MIB)).isEqualTo(1);

		assertThat(older).doesNotExist();
		assertThat(oldest).isRegularFile();
		assertThat(newest).isDirectory();
		// over the bound, but what is left is in use here, or the newest
		assertThat(CacheDirectory.prune(this.cache, 1)).isEqualTo(1);
		assertThat(newest).doesNotExist();
		assertThat(oldest).isRegularFile();
	}

	@Test
	void anEntryThatAnotherLiveParentUsesIsKeptUntilItExits() throws Exception {
		Path used = extracted("app-1", 3, 300);
		Path unused = extracted("app-2", 3, 200);
		JavaProcesses.Started other = JavaProcesses.start(Holder.class, this.cache.toString(), used.toString());
		try {
			other.awaitLine("holding", 30);
			Files.setLastModifiedTime(used, time(300)); // its use stamped it; make it the oldest again

			assertThat(CacheDirectory.prune(this.cache, 1)).isEqualTo(1);
			assertThat(unused).doesNotExist();
			assertThat(used).isDirectory();
		}
		finally {
			other.process().getOutputStream().close();
			other.process().waitFor();
		}
		// the kernel drops a parent's locks when it exits
		assertThat(CacheDirectory.prune(this.cache, 1)).isEqualTo(1);
		assertThat(used).doesNotExist();
	}

	@Test
	void noBoundMeansNothingIsPruned() throws Exception {
		Path entry = extracted("app-1", 1, 300);
		assertThat(CacheDirectory.prune(this.cache, 0)).isZero();
		assertThat(entry).isDirectory();
	}

	private Path extracted(String name, int mebibytes, int secondsAgo) throws IOException {
		Path entry = Files.createDirectories(this.cache.resolve("extracted").resolve(name).resolve("lib"));
		Files.write(entry.resolve("library.jar"), new byte[mebibytes * MIB]);
		Path directory = entry.getParent();
		Files.setLastModifiedTime(directory, time(secondsAgo));
		return directory;
	}

	private Path archive(String name, int mebibytes, int secondsAgo) throws IOException {
		Path archive = Files.createDirectories(this.cache.resolve("cds")).resolve(name);
		Files.write(archive, new byte[mebibytes * MIB]);
		Files.setLastModifiedTime(archive, time(secondsAgo));
		return archive;
	}

	private static FileTime time(int secondsAgo) {
		return FileTime.from(Instant.now().minusSeconds(secondsAgo));
	}

	/** Another parent: uses an entry, says so, and holds it until its stdin closes. */
	public static final class Holder {

		public static void main(String[] args) throws IOException {
			CacheDirectory.use(Path.of(args[0]), Path.of(args[1]));
			System.out.println("holding");
			System.in.read();
		}

	}

}

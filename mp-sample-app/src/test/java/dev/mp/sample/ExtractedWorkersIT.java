package dev.mp.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.launch.ClassDataArchives;
import dev.mp.launch.ExtractedJars;
import dev.mp.launch.JvmCommand;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers of a parent whose class path is the packaged sample app (a Spring Boot fat jar): the jar is extracted once
 * per version into the cache directory, workers start from the extracted jar, and a failed extraction falls back to
 * Boot's {@code PropertiesLauncher}. The extracted jar's workers map a class-data archive that one training child
 * records the first time.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ExtractedWorkersIT {

	@TempDir
	Path directory;

	private Path jar;

	private Path cache;

	private ProcessTemplate template;

	private ProcessPool pool;

	@BeforeEach
	void copyTheFatJar() throws IOException {
		Path packaged = Path.of(System.getProperty("mp.sample.jar", "target/mp-sample-app.jar"));
		this.jar = Files.copy(packaged, this.directory.resolve("app.jar"));
		this.cache = this.directory.resolve("cache");
	}

	@AfterEach
	void close() {
		if (this.template != null) {
			this.template.close();
		}
	}

	@Test
	void theJarIsExtractedOnceAndEveryWorkerStartsFromIt() throws Exception {
		int before = ExtractedJars.extractions();
		List<List<String>> commands = warmWorkers(this.cache, 2);
		assertThat(ExtractedJars.extractions() - before).as("extractions").isEqualTo(1);
		assertThat(entries()).hasSize(1);
		Path extracted = entries().get(0).resolve("app.jar");
		assertThat(commands).allSatisfy((command) -> {
			assertThat(command).doesNotContain(JvmCommand.BOOT_PROPERTIES_LAUNCHER);
			assertThat(classPath(command)).isEqualTo(extracted.toString());
		});
		this.template.close();

		// a rebuilt jar (another modification time) gets an entry of its own
		Files.setLastModifiedTime(this.jar, FileTime.from(Instant.now().plusSeconds(5)));
		commands = warmWorkers(this.cache, 1);
		assertThat(ExtractedJars.extractions() - before).as("extractions").isEqualTo(2);
		assertThat(entries()).hasSize(2);
		assertThat(classPath(commands.get(0))).isNotEqualTo(extracted.toString());
	}

	@Test
	void aFailedExtractionFallsBackToThePropertiesLauncher() throws Exception {
		Path notADirectory = Files.writeString(this.directory.resolve("cache-file"), "not a directory");
		List<List<String>> commands = warmWorkers(notADirectory, 1);
		assertThat(commands.get(0)).contains(JvmCommand.BOOT_PROPERTIES_LAUNCHER);
		assertThat(classPath(commands.get(0))).isEqualTo(this.jar.toAbsolutePath().toString());
	}

	@Test
	void extractionCanBeTurnedOff() throws Exception {
		int before = ExtractedJars.extractions();
		ProcessOptions options = options(this.cache).toBuilder().extractFatJar(false).build();
		List<List<String>> commands = warmWorkers(options, 1);
		assertThat(commands.get(0)).contains(JvmCommand.BOOT_PROPERTIES_LAUNCHER);
		assertThat(ExtractedJars.extractions()).isEqualTo(before);
		assertThat(this.cache).doesNotExist();
	}

	@Test
	void aTrainingChildRecordsAClassDataArchiveOnceAndLaterWorkersMapIt() throws Exception {
		int before = ClassDataArchives.trainings();
		warmWorkers(this.cache, 1);
		await("the training child to record a class-data archive").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> archives().size() == 1);
		assertThat(ClassDataArchives.trainings() - before).as("trainings").isEqualTo(1);
		this.template.close();

		Path archive = archives().get(0);
		List<List<String>> commands = warmWorkers(this.cache, 1);
		assertThat(commands.get(0)).contains("-XX:SharedArchiveFile=" + archive);
		long pid = this.pool.workers().get(0).pid();
		Path maps = Path.of("/proc", Long.toString(pid), "maps");
		if (Files.isReadable(maps)) {
			assertThat(Files.readString(maps)).as("memory map of worker %d", pid).contains(archive.toString());
		}
		assertThat(ClassDataArchives.trainings() - before).as("trainings").isEqualTo(1);
		this.template.close();

		// a corrupt archive costs only its speed-up
		Files.delete(archive);
		Files.writeString(archive, "not a class-data archive");
		commands = warmWorkers(this.cache, 1);
		assertThat(commands.get(0)).contains("-XX:SharedArchiveFile=" + archive);
		assertThat(this.pool.workers().get(0).isAlive()).isTrue();
	}

	@Test
	void classDataSharingCanBeTurnedOff() throws Exception {
		int before = ClassDataArchives.trainings();
		ProcessOptions options = options(this.cache).toBuilder().classDataSharing(false).build();
		List<List<String>> commands = warmWorkers(options, 1);
		assertThat(String.join(" ", commands.get(0))).doesNotContain("SharedArchiveFile");
		this.template.close();
		assertThat(ClassDataArchives.trainings()).isEqualTo(before);
		assertThat(this.cache.resolve("cds")).doesNotExist();
	}

	private List<Path> archives() throws IOException {
		Path directory = this.cache.resolve("cds");
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jsa")).toList();
		}
	}

	private ProcessOptions options(Path cacheDirectory) {
		return ProcessOptions.builder().classPath(this.jar.toString()).cacheDirectory(cacheDirectory).build();
	}

	private List<List<String>> warmWorkers(Path cacheDirectory, int count) throws Exception {
		return warmWorkers(options(cacheDirectory), count);
	}

	/** The command lines of {@code count} plain workers, once all have connected. */
	private List<List<String>> warmWorkers(ProcessOptions options, int count) throws Exception {
		this.template = ProcessTemplate.builder().defaults(options).build();
		this.pool = this.template.pool("extracted",
				PoolOptions.builder().size(count).minIdle(count).processOptions(options).build());
		this.pool.whenWarm().get(60, TimeUnit.SECONDS);
		return this.pool.workers()
			.stream()
			.map((worker) -> ProcessHandle.of(worker.pid())
				.flatMap((handle) -> handle.info().arguments())
				.map(List::of)
				.orElseThrow())
			.toList();
	}

	private List<Path> entries() throws IOException {
		try (Stream<Path> entries = Files.list(this.cache.resolve("extracted"))) {
			return entries.sorted().toList();
		}
	}

	private static String classPath(List<String> command) {
		return command.get(command.indexOf("-cp") + 1);
	}

}

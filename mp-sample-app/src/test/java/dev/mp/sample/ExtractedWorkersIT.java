package dev.mp.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.internal.launch.ArchiveCheck;
import dev.mp.internal.launch.ArchiveTraining;
import dev.mp.internal.launch.ClassDataArchives;
import dev.mp.internal.launch.ExtractedJars;
import dev.mp.internal.launch.JavaRelease;
import dev.mp.internal.launch.JvmCommand;
import dev.mp.test.JavaProcesses;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Workers of a parent whose class path is the packaged sample app (a Spring Boot fat jar): the jar is extracted once
 * per version into the cache directory, workers start from the extracted jar, and a failed extraction falls back to
 * Boot's {@code PropertiesLauncher}. The extracted jar's workers map a class-data archive that one training child
 * records the first time.
 */
@ExtendWith({ NoChildProcessesLeft.class, OutputCaptureExtension.class })
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
		int before = ArchiveTraining.trainings();
		warmWorkers(this.cache, 1);
		await("the training child to record a class-data archive").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> archives().size() == 1);
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(1);
		this.template.close();

		Path archive = archives().get(0);
		List<List<String>> commands = warmWorkers(this.cache, 1);
		assertThat(commands.get(0)).contains("-XX:SharedArchiveFile=" + archive);
		// the training went a worker's own way through its frames: the runtime's lambdas and its switch over frame
		// types are in the archive, not spun or loaded again at each start
		String archived = archivedClasses(commands.get(0));
		assertThat(archived).contains("dev.mp.internal.worker.ChildRuntime$1 ");
		assertThat(archived.split("dev\\.mp\\.internal\\.worker\\.ChildRuntime\\$\\$Lambda", -1)).hasSizeGreaterThan(3);
		long pid = this.pool.workers().get(0).pid();
		Path maps = Path.of("/proc", Long.toString(pid), "maps");
		if (Files.isReadable(maps)) {
			assertThat(Files.readString(maps)).as("memory map of worker %d", pid).contains(archive.toString());
		}
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(1);
	}

	/**
	 * The classes a worker's archive holds, as a JVM with the worker's arguments (on this JVM's Java, as the workers
	 * here) lists them ({@code -XX:+PrintSharedArchiveAndExit}).
	 */
	private String archivedClasses(List<String> workerArguments) throws Exception {
		List<String> listing = new ArrayList<>(workerArguments);
		listing.add(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
		listing.add(1, "-XX:+PrintSharedArchiveAndExit");
		Path output = this.directory.resolve("archived-classes.txt");
		Process process = new ProcessBuilder(listing).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			return Files.readString(output, StandardCharsets.UTF_8);
		}
		finally {
			process.destroyForcibly();
		}
	}

	@Test
	void workersShareTheReadOnlyPartOfTheirArchive() throws Exception {
		assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")), "no /proc/<pid>/smaps");
		warmWorkers(this.cache, 1);
		awaitArchives(1);
		Path archive = archives().get(0);
		this.template.close();

		List<List<String>> commands = warmWorkers(this.cache, 2);
		assertThat(commands).allSatisfy((command) -> assertThat(command).contains("-XX:ArchiveRelocationMode=0"));
		for (long pid : this.pool.workers().stream().mapToLong((worker) -> worker.pid()).toArray()) {
			// mapped where it was written, its read-only part is not patched: one copy in the page cache for both
			long[] readOnly = readOnlyMapping(pid, archive);
			assertThat(readOnly[0]).as("resident KiB of the archive's read-only mapping in worker %d", pid)
				.isPositive();
			assertThat(readOnly[1]).as("its proportional share (PSS, KiB) in worker %d", pid)
				.isLessThanOrEqualTo(readOnly[0] * 3 / 4);
		}
	}

	/** The resident and proportional KiB ({@code Rss}, {@code Pss}) of a process's read-only mappings of a file. */
	private static long[] readOnlyMapping(long pid, Path file) throws IOException {
		long[] kib = new long[2];
		boolean inMapping = false;
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
			if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
				String[] fields = line.split("\\s+");
				inMapping = fields.length > 5 && fields[5].equals(file.toString()) && fields[1].equals("r--p");
			}
			else if (inMapping && (line.startsWith("Rss:") || line.startsWith("Pss:"))) {
				kib[line.startsWith("Rss:") ? 0 : 1] += Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return kib;
	}

	@Test
	void aJava25ChildGetsAnAheadOfTimeCacheTrainedOnce() throws Exception {
		Path java25 = Path.of(System.getProperty("mp.test.java25-home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
		assumeTrue(Files.isExecutable(java25.resolve("bin/java")), "no Java 25 at " + java25);
		assumeTrue(JavaRelease.featureVersion(java25) >= 25, java25 + " is not Java 25+");
		ProcessOptions options = options(this.cache).toBuilder().javaHome(java25).build();
		int before = ArchiveTraining.trainings();
		warmWorkers(options, 1);
		awaitArchives(1);
		Path cache = archives().get(0);
		assertThat(cache.getFileName().toString()).endsWith(".aot");
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(1);
		this.template.close();

		List<List<String>> commands = warmWorkers(options, 2);
		assertThat(commands).allSatisfy((command) -> assertThat(command).contains("-XX:AOTCache=" + cache));
		if (JavaRelease.featureVersion(java25) == 25) {
			// the training's compilations are not replayed (see ClassDataArchives.mappingOptions)
			assertThat(commands).allSatisfy((command) -> assertThat(command).containsSubsequence(
					"-XX:AOTCache=" + cache, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining"));
		}
		long pid = this.pool.workers().get(0).pid();
		assertThat(ProcessHandle.of(pid).flatMap((handle) -> handle.info().command()).map(Path::of))
			.contains(java25.resolve("bin/java").toRealPath());
		Path maps = Path.of("/proc", Long.toString(pid), "maps");
		if (Files.isReadable(maps)) {
			assertThat(Files.readString(maps)).as("memory map of worker %d", pid).contains(cache.toString());
		}
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(1);
		this.template.close();

		// the same class path on Java 17 is a key of its own, with a dynamic archive
		warmWorkers(this.cache, 1);
		awaitArchives(2);
		assertThat(archives()).anySatisfy((archive) -> assertThat(archive.toString()).endsWith(".jsa"));
	}

	@Test
	void aChangedClassPathGetsAnArchiveOfItsOwn() throws Exception {
		int before = ArchiveTraining.trainings();
		warmWorkers(this.cache, 1);
		awaitArchives(1);
		Path first = archives().get(0);
		this.template.close();

		// a rebuilt jar is extracted again, and the new class path is trained again, next to the old archive
		Files.setLastModifiedTime(this.jar, FileTime.from(Instant.now().plusSeconds(5)));
		List<List<String>> commands = warmWorkers(this.cache, 1);
		assertThat(String.join(" ", commands.get(0))).doesNotContain(first.toString());
		awaitArchives(2);
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(2);
		this.template.close();

		Path second = archives().stream().filter((archive) -> !archive.equals(first)).findFirst().orElseThrow();
		commands = warmWorkers(this.cache, 1);
		assertThat(commands.get(0)).contains(mapping(second));
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(2);
	}

	@Test
	void aTruncatedArchiveIsLoggedDeletedAndRecordedAgain(CapturedOutput output) throws Exception {
		// a truncated archive made a Java 17 worker die of SIGBUS at start-up, -Xshare:auto or not
		brokenArchiveFallsBack(output, (bytes) -> Arrays.copyOf(bytes, bytes.length / 3));
	}

	@Test
	void aGarbledArchiveIsLoggedDeletedAndRecordedAgain(CapturedOutput output) throws Exception {
		// a garbled one was mapped without complaint, or cost the worker all class data sharing
		brokenArchiveFallsBack(output, (bytes) -> {
			byte[] garbled = bytes.clone();
			for (int i = garbled.length / 2; i < garbled.length / 2 + 64; i++) {
				garbled[i] ^= 0x5a;
			}
			return garbled;
		});
	}

	@Test
	void notAnArchiveAtAllIsLoggedDeletedAndRecordedAgain(CapturedOutput output) throws Exception {
		brokenArchiveFallsBack(output, (bytes) -> "not a class-data archive".getBytes(StandardCharsets.UTF_8));
	}

	private void brokenArchiveFallsBack(CapturedOutput output, UnaryOperator<byte[]> breaking) throws Exception {
		warmWorkers(this.cache, 1);
		awaitArchives(1);
		Path archive = archives().get(0);
		this.template.close();
		byte[] broken = breaking.apply(Files.readAllBytes(archive));
		Files.delete(archive); // recorded read-only
		Files.write(archive, broken);
		FileTime brokenAt = Files.getLastModifiedTime(archive);

		int rejections = ArchiveCheck.rejections();
		int trainings = ArchiveTraining.trainings();
		List<List<String>> commands = warmWorkers(this.cache, 2);
		assertThat(String.join(" ", commands.get(0))).doesNotContain(archive.toString());
		assertThat(this.pool.workers()).allSatisfy((worker) -> assertThat(worker.isAlive()).isTrue());
		assertThat(this.pool.startFailure()).isEmpty();
		assertThat(ArchiveCheck.rejections() - rejections).as("archives found broken").isEqualTo(1);
		assertThat(output).contains("The class-data archive " + archive + " is unusable (a JVM that maps it");

		// recorded again, once, and mapped by the next worker
		await("a new archive").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> Files.isRegularFile(archive) && !Files.getLastModifiedTime(archive).equals(brokenAt));
		assertThat(ArchiveTraining.trainings() - trainings).as("trainings").isEqualTo(1);
		this.template.close();
		commands = warmWorkers(this.cache, 1);
		assertThat(commands.get(0)).contains(mapping(archive));
	}

	@Test
	void fourConcurrentFirstStartsAllSucceedAndTrainOnce() throws Exception {
		int before = ArchiveTraining.trainings();
		int extractions = ExtractedJars.extractions();
		List<List<String>> commands = warmWorkers(this.cache, 4);
		assertThat(commands).hasSize(4);
		assertThat(this.pool.workers()).allSatisfy((worker) -> assertThat(worker.isAlive()).isTrue());
		awaitArchives(1);
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(1);
		assertThat(ExtractedJars.extractions() - extractions).as("extractions").isEqualTo(1);
		this.template.close();

		// what they left is whole: a fresh parent's check passes, and its workers map the archive
		int rejections = ArchiveCheck.rejections();
		commands = warmWorkers(this.cache, 4);
		assertThat(commands).allSatisfy((command) -> assertThat(command).contains(mapping(archives().get(0))));
		assertThat(ArchiveCheck.rejections()).isEqualTo(rejections);
		assertThat(ArchiveTraining.trainings() - before).as("trainings").isEqualTo(1);
		try (Stream<Path> files = Files.list(this.cache.resolve("cds"))) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.as("no temporary or lock files left")
				.allMatch((name) -> name.endsWith(".jsa") || name.endsWith(".aot") || name.endsWith(".used"));
		}
	}

	@Test
	void fourParentsStartingAtOnceExtractOnceTrainOnceAndLeaveAWholeCache() throws Exception {
		List<JavaProcesses.Started> parents = new ArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				parents.add(JavaProcesses.start(CacheParent.class, this.jar.toString(), this.cache.toString()));
			}
			for (JavaProcesses.Started parent : parents) {
				parent.awaitLine("READY", 120);
			}
			awaitArchives(1);
		}
		finally {
			for (JavaProcesses.Started parent : parents) {
				parent.process().getOutputStream().close();
			}
		}
		int trainings = 0;
		int extractions = 0;
		for (JavaProcesses.Started parent : parents) {
			String[] counts = parent.awaitLine("TRAININGS", 60).split(" ");
			trainings += Integer.parseInt(counts[0]);
			extractions += Integer.parseInt(counts[2]);
			assertThat(parent.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(parent.process().exitValue()).isZero();
		}
		// a parent that found the entry in the making waited for, or lost the race to, the one that made it
		assertThat(trainings).as("trainings of the four parents").isEqualTo(1);
		assertThat(extractions).as("extractions of the four parents").isBetween(1, 4);
		assertThat(entries()).as("extracted entries").hasSize(1);
		try (Stream<Path> files = Files.list(this.cache.resolve("cds"))) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("no temporary, lock or failure files")
				.allMatch((name) -> name.endsWith(".jsa") || name.endsWith(".aot") || name.endsWith(".used"));
		}

		// what they left is whole: this parent's check passes and its worker maps the archive
		int rejections = ArchiveCheck.rejections();
		List<List<String>> commands = warmWorkers(this.cache, 1);
		assertThat(commands.get(0)).contains(mapping(archives().get(0)));
		assertThat(ArchiveCheck.rejections()).isEqualTo(rejections);
	}

	private void awaitArchives(int count) {
		await("the training child to record a class-data archive").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> archives().size() == count);
	}

	private static String mapping(Path archive) {
		return ClassDataArchives.mappingOptions(archive, Path.of(System.getProperty("java.home")), true).get(0);
	}

	@Test
	void classDataSharingCanBeTurnedOff() throws Exception {
		int before = ArchiveTraining.trainings();
		ProcessOptions options = options(this.cache).toBuilder().classDataSharing(false).build();
		List<List<String>> commands = warmWorkers(options, 1);
		assertThat(String.join(" ", commands.get(0))).doesNotContain("SharedArchiveFile");
		this.template.close();
		assertThat(ArchiveTraining.trainings()).isEqualTo(before);
		assertThat(this.cache.resolve("cds")).doesNotExist();
	}

	private List<Path> archives() throws IOException {
		Path directory = this.cache.resolve("cds");
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jsa")
					|| file.getFileName().toString().endsWith(".aot"))
				.toList();
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

package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.ProcessOptions;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.worker.WorkerMain;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a worker's command is decided from: whether its class path is a Spring Boot fat jar, whether class-data
 * archives apply to it, the JVM options its codec needs, and mp's memory flags.
 */
class WorkerCommandTests {

	@TempDir
	Path temp;

	@Test
	void aPlainClassPathStartsTheWorkerMainDirectly() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		WorkerCommand command = WorkerCommand.of(options(classes).build(), CodecChoice.JAVA_CODEC);
		assertThat(command.command()).endsWith("-cp", classes.toString(), WorkerMain.class.getName())
			.doesNotContain(JvmCommand.BOOT_PROPERTIES_LAUNCHER);
		// a directory is no jar: no archive to record
		assertThat(command.trainsArchive()).isFalse();
	}

	@Test
	void aFatJarLeftWholeStartsThroughBootsLoaderAndGetsNoArchive() throws IOException {
		Path jar = fatJar(this.temp.resolve("app.jar"));
		WorkerCommand command = WorkerCommand.of(options(jar).extractFatJar(false).classDataSharing(true).build(),
				CodecChoice.JAVA_CODEC);
		assertThat(command.command()).endsWith("-cp", jar.toString(),
				"-Dloader.main=" + WorkerMain.class.getName(), JvmCommand.BOOT_PROPERTIES_LAUNCHER);
		assertThat(command.trainsArchive()).isFalse();
	}

	@Test
	void theCodecsJvmOptionsForTheChildsJavaComeBeforeTheApplications() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		CodecProvider provider = new CodecProvider() {

			@Override
			public String name() {
				return "versioned";
			}

			@Override
			public String stamp() {
				return "";
			}

			@Override
			public Codec create(CodecSettings settings) {
				return settings.fallback();
			}

			@Override
			public List<String> workerJvmOptions(int javaFeatureVersion) {
				return List.of("-Dcodec.java=" + javaFeatureVersion);
			}

		};
		WorkerCommand command = WorkerCommand.of(options(classes).jvmOptions(List.of("-Dapp=1")).build(),
				new CodecChoice("versioned", provider));
		assertThat(command.command()).containsSubsequence(
				"-Dcodec.java=" + JavaRelease.featureVersion(Path.of(System.getProperty("java.home"))), "-Dapp=1");
	}

	@Test
	void theMemoryFlagsComeBeforeTheApplicationsOptions() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		WorkerCommand command = WorkerCommand.of(options(classes).jvmOptions(List.of("-Dapp=1")).build(),
				CodecChoice.JAVA_CODEC);
		assertThat(command.command()).containsSubsequence(MemoryFlags.NO_ARCHIVE_RELOCATION, "-Dapp=1");
	}

	@Test
	void anOptionOfTheApplicationsOwnReplacesTheMemoryFlagOfItsName() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		WorkerCommand command = WorkerCommand.of(
				options(classes).jvmOptions(List.of("-XX:ArchiveRelocationMode=1")).build(), CodecChoice.JAVA_CODEC);
		assertThat(command.command()).contains("-XX:ArchiveRelocationMode=1")
			.doesNotContain(MemoryFlags.NO_ARCHIVE_RELOCATION);
	}

	@Test
	void aSerialGcWorkerThatBootsAContextGetsRoomForItsBootAndAPlainOneASmallHeap() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		ProcessOptions.Builder serial = options(classes).jvmOptions(List.of("-XX:+UseSerialGC")).maxHeap("128m");
		assertThat(WorkerCommand.of(serial.bootstrapMode("spring").build(), CodecChoice.JAVA_CODEC).command())
			.contains("-XX:InitialHeapSize=24m", MemoryFlags.CONTEXT_BOOT_YOUNG_GENERATION)
			.doesNotContain(MemoryFlags.PLAIN_BOOT_HEAP);
		assertThat(WorkerCommand.of(serial.bootstrapMode("plain").build(), CodecChoice.JAVA_CODEC).command())
			.contains(MemoryFlags.PLAIN_BOOT_HEAP)
			.doesNotContain(MemoryFlags.CONTEXT_BOOT_YOUNG_GENERATION);
	}

	@Test
	void memoryFlagsOffLeaveTheCommandAsTheApplicationGaveIt() throws IOException {
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		WorkerCommand command = WorkerCommand.of(options(classes).memoryFlags(false).startupFlags(false).build(),
				CodecChoice.JAVA_CODEC);
		assertThat(command.command()).containsExactly(JvmCommand.java(Path.of(System.getProperty("java.home"))), "-cp",
				classes.toString(), WorkerMain.class.getName());
	}

	private ProcessOptions.Builder options(Path classPath) {
		return ProcessOptions.builder()
			.classPath(classPath.toString())
			.cacheDirectory(this.temp.resolve("cache"))
			.javaHome(Path.of(System.getProperty("java.home")));
	}

	private static Path fatJar(Path jar) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
			// the manifest is all the decision reads
		}
		return jar;
	}

}

package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which memory flags a worker gets, per Java version of the child (from its installation's {@code release} file) and
 * per option the worker sets itself.
 */
class MemoryFlagsTests {

	private static final String UNLOCK = "-XX:+UnlockDiagnosticVMOptions";

	@TempDir
	Path temp;

	private static final LongSupplier SIXTEEN_GIB = () -> 16L * 1024 * 1024 * 1024;

	@Test
	void aRecentJava17WorkerGetsEveryFlag() throws IOException {
		List<String> expected = new ArrayList<>(List.of(UNLOCK, MemoryFlags.NO_ARCHIVE_RELOCATION,
				MemoryFlags.TRIM_NATIVE_HEAP, MemoryFlags.PLAIN_BOOT_HEAP));
		expected.addAll(MemoryFlags.REGROWTH);
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-Xmx128m", "-XX:+UseSerialGC"), false))
			.containsExactlyElementsOf(expected);
	}

	@Test
	void onlyASerialGcWorkerBootsOnASmallHeap() throws IOException {
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of(), true))
			.doesNotContainAnyElementsOf(MemoryFlags.REGROWTH);
		assertThat(MemoryFlags.of(javaHome("25.0.1"), List.of("-XX:+UseSerialGC"), true))
			.containsAll(MemoryFlags.REGROWTH);
		// a later Java resizes SerialGC's young generation otherwise
		assertThat(MemoryFlags.of(javaHome("26"), List.of("-XX:+UseSerialGC"), true))
			.doesNotContainAnyElementsOf(MemoryFlags.REGROWTH);
	}

	@Test
	void aWorkerThatBootsAContextGetsAYoungGenerationOf3MiBInAHeapWithRoomForItsBoot() throws IOException {
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:+UseSerialGC", "-Xmx4g"), true, SIXTEEN_GIB))
			.contains("-XX:InitialHeapSize=24m", MemoryFlags.CONTEXT_BOOT_YOUNG_GENERATION)
			.doesNotContain(MemoryFlags.PLAIN_BOOT_HEAP);
		// at most half the maximum heap, whose old generation would not hold more
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:+UseSerialGC", "-Xmx32m"), true, SIXTEEN_GIB))
			.contains("-XX:InitialHeapSize=16m");
		// without a maximum, the JVM's default: a quarter of the memory
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:+UseSerialGC"), true, SIXTEEN_GIB))
			.contains("-XX:InitialHeapSize=24m");
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:+UseSerialGC"), true, () -> 80L * 1024 * 1024))
			.contains("-XX:InitialHeapSize=10m");
		// a maximum too small for it, or one the worker takes from the memory in a way of its own: the plain heap
		for (List<String> own : List.of(List.of("-Xmx16m"), List.of("-XX:MaxRAMPercentage=80"),
				List.of("-XX:MaxRAM=1g"), List.of("-XX:MinRAMPercentage=50"))) {
			List<String> options = new ArrayList<>(own);
			options.add("-XX:+UseSerialGC");
			assertThat(MemoryFlags.of(javaHome("17.0.15"), options, true, SIXTEEN_GIB)).as(own.toString())
				.contains(MemoryFlags.PLAIN_BOOT_HEAP)
				.doesNotContain(MemoryFlags.CONTEXT_BOOT_YOUNG_GENERATION);
		}
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:+UseSerialGC", "-XX:MaxRAM=1g", "-Xmx128m"), true,
				SIXTEEN_GIB))
			.contains("-XX:InitialHeapSize=24m");
	}

	@Test
	void aWorkerThatSizesItsHeapItselfKeepsItsSize() throws IOException {
		for (String own : List.of("-Xms64m", "-XX:InitialHeapSize=64m", "-XX:MinHeapSize=16m",
				"-XX:InitialRAMPercentage=5", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=50",
				"-XX:+ShrinkHeapInSteps", "-XX:+DisableExplicitGC", "-XX:+AlwaysPreTouch", "-Xmn16m",
				"-XX:NewSize=16m", "-XX:MaxNewSize=16m", "-XX:OldSize=64m", "-Xmx8m", "-XX:MaxHeapSize=4096k")) {
			assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:+UseSerialGC", own), true)).as(own)
				.doesNotContainAnyElementsOf(MemoryFlags.REGROWTH);
		}
		// the last -Xmx is the one the JVM takes
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-Xmx8m", "-XX:+UseSerialGC", "-Xmx1g"), false))
			.containsAll(MemoryFlags.REGROWTH);
	}

	@Test
	void optionsInTheWorkersEnvironmentCountAsItsOwn() throws IOException {
		List<String> command = List.of("-Xmx128m", "-XX:+UseSerialGC");
		for (Map<String, String> environment : List.of(Map.of("JAVA_TOOL_OPTIONS", " -Xms512m "),
				Map.of("JDK_JAVA_OPTIONS", "-Dx=1 -XX:InitialHeapSize=64m"),
				Map.of("_JAVA_OPTIONS", "-XX:+DisableExplicitGC"), Map.of("_JAVA_OPTIONS", "-Xmx4m"))) {
			assertThat(MemoryFlags.of(javaHome("17.0.15"), MemoryFlags.asTheJvmReadsThem(command, environment), true))
				.as(environment.toString())
				.doesNotContainAnyElementsOf(MemoryFlags.REGROWTH);
		}
		// JAVA_TOOL_OPTIONS come before the command line, whose -Xmx wins; _JAVA_OPTIONS after it
		assertThat(MemoryFlags.asTheJvmReadsThem(command,
				Map.of("JAVA_TOOL_OPTIONS", "-Xmx4m", "_JAVA_OPTIONS", "-XX:+UseSerialGC -Xmx1g")))
			.containsExactly("-Xmx4m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:+UseSerialGC", "-Xmx1g");
		assertThat(MemoryFlags.of(javaHome("17.0.15"),
				MemoryFlags.asTheJvmReadsThem(command, Map.of("JAVA_TOOL_OPTIONS", "-Xmx4m")), true))
			.containsAll(MemoryFlags.REGROWTH);
	}

	@Test
	void aJavaWithoutTheNativeHeapTrimDoesNotGetIt() throws IOException {
		assertThat(MemoryFlags.of(javaHome("17.0.8"), List.of(), false)).doesNotContain(MemoryFlags.TRIM_NATIVE_HEAP);
		assertThat(MemoryFlags.of(javaHome("20.0.2"), List.of(), false)).doesNotContain(MemoryFlags.TRIM_NATIVE_HEAP);
		assertThat(MemoryFlags.of(javaHome("21"), List.of(), false)).doesNotContain(MemoryFlags.TRIM_NATIVE_HEAP);
		assertThat(MemoryFlags.of(javaHome("21.0.1"), List.of(), false)).contains(MemoryFlags.TRIM_NATIVE_HEAP);
		assertThat(MemoryFlags.of(javaHome("25.0.3"), List.of(), false)).contains(MemoryFlags.TRIM_NATIVE_HEAP);
	}

	@Test
	void aLaterJavaGetsNoDiagnosticSwitchItMayNotHave() throws IOException {
		assertThat(MemoryFlags.of(javaHome("26"), List.of(), false)).containsExactly(MemoryFlags.TRIM_NATIVE_HEAP);
	}

	@Test
	void aFlagTheWorkerSetsItselfIsLeftOut() throws IOException {
		assertThat(MemoryFlags.of(javaHome("17.0.15"),
				List.of("-XX:ArchiveRelocationMode=1", "-XX:TrimNativeHeapInterval=0"), false)).isEmpty();
		assertThat(MemoryFlags.of(javaHome("17.0.15"), List.of("-XX:TrimNativeHeapInterval=60000"), false))
			.containsExactly(UNLOCK, MemoryFlags.NO_ARCHIVE_RELOCATION);
	}

	@Test
	void aWorkerGetsTwoMallocArenasUnlessItsEnvironmentSaysOtherwise() {
		Map<String, String> environment = new HashMap<>(Map.of("PATH", "/bin"));
		MemoryFlags.addEnvironment(environment);
		assertThat(environment).containsEntry("MALLOC_ARENA_MAX", "2");
		Map<String, String> own = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "8"));
		MemoryFlags.addEnvironment(own);
		assertThat(own).containsEntry("MALLOC_ARENA_MAX", "8");
	}

	private Path javaHome(String version) throws IOException {
		Path home = Files.createDirectories(this.temp.resolve("java-" + version));
		Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
		return home;
	}

}

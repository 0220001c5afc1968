package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options that make a worker map its archive, per Java version of the child (from its installation's
 * {@code release} file) and whether mp's start-up flags apply.
 */
class ClassDataArchivesTests {

	@TempDir
	Path temp;

	private final Path archive = Path.of("/cache/cds/key.aot");

	@Test
	void aJava25ChildWithTheStartUpFlagsDoesNotReplayItsTraining() throws IOException {
		assertThat(ClassDataArchives.mappingOptions(this.archive, javaHome("25.0.3"), true)).containsExactly(
				"-XX:AOTCache=" + this.archive, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
	}

	@Test
	void withoutTheStartUpFlagsAJava25ChildMapsItsCacheOnly() throws IOException {
		assertThat(ClassDataArchives.mappingOptions(this.archive, javaHome("25.0.3"), false))
			.containsExactly("-XX:AOTCache=" + this.archive);
	}

	@Test
	void aLaterJavaGetsNoDiagnosticSwitchItMayNotHave() throws IOException {
		assertThat(ClassDataArchives.mappingOptions(this.archive, javaHome("26"), true))
			.containsExactly("-XX:AOTCache=" + this.archive);
	}

	@Test
	void aJava17ChildMapsADynamicArchive() throws IOException {
		assertThat(ClassDataArchives.mappingOptions(this.archive, javaHome("17.0.15"), true))
			.containsExactly("-XX:SharedArchiveFile=" + this.archive);
	}

	private Path javaHome(String version) throws IOException {
		Path home = Files.createDirectories(this.temp.resolve("java-" + version));
		Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
		return home;
	}

}

package dev.mp.internal.launch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Class-data archives for workers, trained by mp itself. The first start for a given key (class path and its jars'
 * versions, Java installation and version, JVM options, bootstrap mode, codec) runs one extra <em>training</em> child
 * in the background (see {@link ArchiveTraining}): it runs as a worker against a parent of its own (see
 * {@code dev.mp.internal.worker.Rehearsal}) until that parent shuts it down with exit code 0, and the JVM writes what
 * it loaded as it exits.
 * Later workers map that archive and load those classes without parsing and verifying them again.
 * <ul>
 * <li>Java 17 to 24: a dynamic class-data-sharing archive, recorded with {@code -XX:ArchiveClassesAtExit} and mapped
 * with {@code -XX:SharedArchiveFile} ({@code .jsa}).</li>
 * <li>Java 25 and later (the child's Java, from its installation's {@code release} file, see {@link JavaRelease}): an
 * ahead-of-time cache (JEP 483/514), recorded in one step with {@code -XX:AOTCacheOutput} and mapped with
 * {@code -XX:AOTCache} ({@code .aot}); it also holds linked classes and method profiles.</li>
 * </ul>
 * Before a parent first maps an archive it checks it once (see {@link ArchiveCheck}) with {@code java -Xshare:on
 * -XX:+VerifySharedSpaces ... -version} (about 30 ms): a truncated archive makes a Java 17 worker die of
 * {@code SIGBUS} even with {@code -Xshare:auto}, and a garbled one silently costs it all class data sharing, the JDK's
 * own included. An archive that fails the check is logged with the JVM's reason, deleted, and recorded again; workers
 * start without it.
 * <p>
 * Only for class paths made of jar files (the extracted layout of a fat jar, or plain jars): class data sharing
 * cannot archive classes from directories, and Boot's nested-jar class loader is not safe to dump from. One parent
 * trains a key at a time (a {@code CREATE_NEW} lock file); a failed training is not retried for a day.
 * <p>
 * This class decides whether archives apply, where one lives and how a worker maps it.
 */
public final class ClassDataArchives {

	private ClassDataArchives() {
	}

	/**
	 * Whether archives apply: the class path is one or more existing jar files but not a Boot fat jar, and the options
	 * leave class data sharing alone.
	 * @param bootFatJar whether the class path is a Boot fat jar (see {@link JvmCommand#isBootFatJar})
	 */
	static boolean applies(String classPath, boolean bootFatJar, List<String> jvmOptions) {
		boolean ownSharing = jvmOptions.stream()
			.anyMatch((option) -> option.startsWith("-Xshare") || option.contains("SharedArchiveFile")
					|| option.contains("ArchiveClassesAtExit") || option.contains("DumpLoadedClassList")
					|| option.contains("-XX:AOT"));
		// never for a fat jar started through PropertiesLauncher: a JDK 17 dump with its class loader crashed
		return !ownSharing && !classPath.isEmpty() && !bootFatJar
				&& Arrays.stream(classPath.split(File.pathSeparator))
					.allMatch((entry) -> entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)));
	}

	/**
	 * Where the archive for these settings lives, whether or not it exists yet.
	 * @param cacheDirectory the cache's base directory; archives go to its {@code cds} directory
	 * @param codec the codec's name: a training child loads that codec's classes
	 */
	static Path archive(Path cacheDirectory, Path javaHome, List<String> jvmOptions, String classPath,
			String bootstrapMode, String codec) {
		StringBuilder identity = new StringBuilder();
		identity.append(javaHome.toAbsolutePath()).append('\n').append(JavaRelease.javaVersion(javaHome)).append(' ');
		identity.append(version(javaHome.resolve("lib/modules")));
		identity.append('\n').append(String.join("\u0000", jvmOptions)).append('\n').append(bootstrapMode);
		identity.append('\n').append(codec);
		for (String entry : classPath.split(File.pathSeparator)) {
			identity.append('\n').append(entry).append(' ').append(version(Path.of(entry)));
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(identity.toString().getBytes(StandardCharsets.UTF_8));
			String extension = aheadOfTime(javaHome) ? ".aot" : ".jsa";
			return cacheDirectory.toAbsolutePath()
				.resolve("cds")
				.resolve(HexFormat.of().formatHex(digest, 0, 12) + extension);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Whether the child's Java (the installation at {@code javaHome}) is 25 or later, so that it gets an ahead-of-time
	 * cache rather than a dynamic class-data-sharing archive.
	 */
	static boolean aheadOfTime(Path javaHome) {
		return JavaRelease.featureVersion(javaHome) >= 25;
	}

	/**
	 * The options that make a worker map the archive. On Java 25 the ahead-of-time cache also holds the compilations of
	 * its training, which ran only mp's own way to ready (see {@code Rehearsal}); replayed at start-up they compete
	 * with that very way for the cores, so with mp's start-up flags ({@link dev.mp.ProcessOptions#startupFlags()}) the
	 * replay is off. The switch is a diagnostic option of Java 25, so it is given to that version only (figures in
	 * {@code docs/worker-start.md}). Public for the sample app's cache tests.
	 * @param startupFlags whether mp's start-up flags apply to the worker
	 */
	public static List<String> mappingOptions(Path archive, Path javaHome, boolean startupFlags) {
		if (!aheadOfTime(javaHome)) {
			return List.of("-XX:SharedArchiveFile=" + archive);
		}
		if (startupFlags && JavaRelease.featureVersion(javaHome) == 25) {
			return List.of("-XX:AOTCache=" + archive, "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
		}
		return List.of("-XX:AOTCache=" + archive);
	}

	private static String version(Path file) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			return attributes.size() + "/" + attributes.lastModifiedTime().toMillis();
		}
		catch (IOException ex) {
			return "?";
		}
	}

	/** A file next to an archive: its lock, its failure mark, its recording, the output of its check. */
	static Path sibling(Path archive, String suffix) {
		return archive.resolveSibling(archive.getFileName() + suffix);
	}

	static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			// best effort
		}
	}

}

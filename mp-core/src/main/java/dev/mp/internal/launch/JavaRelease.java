package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a Java installation's {@code release} file says about its version, read once per installation: the child's
 * Java decides which kind of class-data archive it gets and how it maps it (see {@link ClassDataArchives}).
 */
public final class JavaRelease {

	/** Java feature versions by installation. */
	private static final Map<Path, Integer> featureVersions = new ConcurrentHashMap<>();

	/** {@code JAVA_VERSION} by installation. */
	private static final Map<Path, String> javaVersions = new ConcurrentHashMap<>();

	private JavaRelease() {
	}

	/**
	 * The feature version of a Java installation (17, 21, 25...), from its {@code release} file; 0 if unknown. Public
	 * for the sample app's cache tests.
	 */
	public static int featureVersion(Path javaHome) {
		return featureVersions.computeIfAbsent(javaHome.toAbsolutePath(), (home) -> {
			String version = javaVersion(home);
			try {
				return Integer.parseInt(version.replaceFirst("^1\\.", "").replaceFirst("[^0-9].*$", ""));
			}
			catch (NumberFormatException ex) {
				return 0;
			}
		});
	}

	/** {@code JAVA_VERSION} of an installation's {@code release} file, or {@code ?}. */
	static String javaVersion(Path javaHome) {
		return javaVersions.computeIfAbsent(javaHome.toAbsolutePath(), JavaRelease::readJavaVersion);
	}

	private static String readJavaVersion(Path javaHome) {
		try {
			for (String line : Files.readAllLines(javaHome.resolve("release"), StandardCharsets.UTF_8)) {
				if (line.startsWith("JAVA_VERSION=")) {
					return line.substring("JAVA_VERSION=".length()).replace("\"", "").strip();
				}
			}
		}
		catch (IOException ex) {
			// a JRE image without one: the modules file's version still tells installations apart
		}
		return "?";
	}

}

package dev.mp.internal.launch;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * Builds the command line of a child JVM. When the class path is a single Spring Boot fat jar (the parent runs as
 * {@code java -jar app.jar}), the child is started through Boot's {@code PropertiesLauncher} with {@code loader.main},
 * because the worker's classes sit inside the jar's {@code BOOT-INF} where a plain {@code -cp} cannot see them. (By
 * default the parent first extracts such a jar, see {@link ExtractedJars}, and passes the extracted application jar
 * here instead, which starts faster.)
 */
public final class JvmCommand {

	/** Boot's launcher that takes its main class from the {@code loader.main} property. */
	public static final String BOOT_PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private static final String BOOT_LOADER_PACKAGE = "org.springframework.boot.loader.";

	private JvmCommand() {
	}

	/**
	 * @param javaHome the JDK or JRE to run
	 * @param jvmOptions options placed before the main class, as given
	 * @param maxHeap the {@code -Xmx} value, or {@code null}
	 * @param systemProperties {@code -D} options
	 * @param classPath the child's class path
	 * @param mainClass the child's main class
	 * @return the full command, executable first
	 */
	public static List<String> build(Path javaHome, List<String> jvmOptions, String maxHeap,
			Map<String, String> systemProperties, String classPath, String mainClass) {
		return build(javaHome, jvmOptions, maxHeap, systemProperties, classPath,
				isBootFatJar(absolute(classPath)), mainClass);
	}

	/**
	 * As {@link #build(Path, List, String, Map, String, String)}, for a caller that has decided already whether the
	 * class path is a Boot fat jar (see {@link #isBootFatJar}).
	 */
	public static List<String> build(Path javaHome, List<String> jvmOptions, String maxHeap,
			Map<String, String> systemProperties, String classPath, boolean bootFatJar, String mainClass) {
		List<String> command = new ArrayList<>();
		command.add(java(javaHome));
		if (maxHeap != null && !maxHeap.isBlank()) {
			command.add("-Xmx" + maxHeap);
		}
		command.addAll(jvmOptions);
		systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
		command.add("-cp");
		command.add(absolute(classPath));
		if (bootFatJar) {
			command.add("-Dloader.main=" + mainClass);
			command.add(BOOT_PROPERTIES_LAUNCHER);
		}
		else {
			command.add(mainClass);
		}
		return command;
	}

	/**
	 * The class path with absolute entries, so that a child with another working directory finds the same entries
	 * ({@code java -jar} gives {@code app.jar}).
	 */
	public static String absolute(String classPath) {
		return Arrays.stream(classPath.split(File.pathSeparator))
			.filter((entry) -> !entry.isEmpty())
			.map((entry) -> Path.of(entry).toAbsolutePath().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

	/** Whether the class path is one jar whose manifest starts it through Spring Boot's loader. */
	public static boolean isBootFatJar(String classPath) {
		if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
			return false;
		}
		Path jar = Path.of(classPath);
		if (!Files.isRegularFile(jar)) {
			return false;
		}
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			String main = (manifest != null) ? manifest.getMainAttributes().getValue("Main-Class") : null;
			return main != null && main.startsWith(BOOT_LOADER_PACKAGE);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The {@code java} launcher of a Java installation. */
	static String java(Path javaHome) {
		return javaHome.resolve("bin").resolve("java").toString();
	}

}

package dev.mp.launch;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic class-data-sharing archives for workers (JDK 13+ {@code -XX:ArchiveClassesAtExit}). The first start for a
 * given key (class path and its jars' versions, Java installation, JVM options, bootstrap mode) runs one extra
 * <em>training</em> child in the background: it boots exactly like a worker, then exits 0 at once, and the JVM writes
 * the classes it loaded to the archive as it exits. Later workers map that archive with
 * {@code -XX:SharedArchiveFile} and load those classes without parsing and verifying them again. {@code -Xshare:auto}
 * (the default) lets a worker start without the archive if it is unusable.
 * <p>
 * Only for class paths made of jar files (the extracted layout of a fat jar, or plain jars): class data sharing
 * cannot archive classes from directories, and Boot's nested-jar class loader is not safe to dump from. One parent
 * trains a key at a time (a {@code CREATE_NEW} lock file); a failed training is not retried for a day.
 */
public final class ClassDataArchives {

	private static final Logger logger = LoggerFactory.getLogger(ClassDataArchives.class);

	private static final Duration RETRY_AFTER_FAILURE = Duration.ofDays(1);

	/** A lock older than this is left over from a parent that died while training. */
	private static final Duration STALE_LOCK = Duration.ofMinutes(10);

	/** Archives this JVM has trained or tried to: never twice. */
	private static final Set<Path> attempted = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger trainings = new AtomicInteger();

	private ClassDataArchives() {
	}

	/** How many training children this JVM has started; for tests. */
	public static int trainings() {
		return trainings.get();
	}

	/**
	 * Whether archives apply: the class path is one or more existing jar files but not a Boot fat jar, and the options
	 * leave class data sharing alone.
	 */
	public static boolean applies(String classPath, List<String> jvmOptions) {
		boolean ownSharing = jvmOptions.stream()
			.anyMatch((option) -> option.startsWith("-Xshare") || option.contains("SharedArchiveFile")
					|| option.contains("ArchiveClassesAtExit") || option.contains("DumpLoadedClassList"));
		// never for a fat jar started through PropertiesLauncher: a JDK 17 dump with its class loader crashed
		return !ownSharing && !classPath.isEmpty() && !JvmCommand.isBootFatJar(JvmCommand.absolute(classPath))
				&& Arrays.stream(classPath.split(File.pathSeparator))
					.allMatch((entry) -> entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)));
	}

	/**
	 * Where the archive for these settings lives, whether or not it exists yet.
	 * @param cacheDirectory the cache's base directory; archives go to its {@code cds} directory
	 */
	public static Path archive(Path cacheDirectory, Path javaHome, List<String> jvmOptions, String classPath,
			String bootstrapMode) {
		StringBuilder identity = new StringBuilder();
		identity.append(javaHome.toAbsolutePath()).append('\n').append(version(javaHome.resolve("lib/modules")));
		identity.append('\n').append(String.join("\u0000", jvmOptions)).append('\n').append(bootstrapMode);
		for (String entry : classPath.split(File.pathSeparator)) {
			identity.append('\n').append(entry).append(' ').append(version(Path.of(entry)));
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(identity.toString().getBytes(StandardCharsets.UTF_8));
			return cacheDirectory.toAbsolutePath().resolve("cds").resolve(HexFormat.of().formatHex(digest, 0, 12) + ".jsa");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Whether the archive exists and is worth mapping. */
	public static boolean isUsable(Path archive) {
		try {
			return Files.isRegularFile(archive) && Files.size(archive) > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Starts the training child for {@code archive} on a background thread, unless the archive exists, this JVM has
	 * tried already, another parent is training it, or a training failed within the last day.
	 * @param workerCommand a worker's full command, executable first, without class-data-sharing options
	 * @param bootstrap writes the worker's bootstrap block to the child's stdin (which stays open until it exits)
	 * @param running where the running training child is registered until it ends, so its parent can stop it
	 */
	public static void trainIfMissing(Path archive, List<String> workerCommand, ProcessBuilder settings,
			StdinWriter bootstrap, Duration timeout, Set<Process> running) {
		if (isUsable(archive) || !attempted.add(archive)) {
			return;
		}
		Path failed = sibling(archive, ".failed");
		Path lock = sibling(archive, ".lock");
		try {
			PrivateDirectories.ensure(archive.getParent());
			if (Files.isRegularFile(failed) && Files.getLastModifiedTime(failed)
				.toInstant()
				.isAfter(Instant.now().minus(RETRY_AFTER_FAILURE))) {
				return;
			}
			if (!lock(lock)) {
				return;
			}
		}
		catch (IOException ex) {
			return;
		}
		Thread thread = new Thread(() -> train(archive, workerCommand, settings, bootstrap, timeout, running, lock,
				failed), "mp-cds-training");
		thread.setDaemon(true);
		thread.start();
	}

	private static void train(Path archive, List<String> workerCommand, ProcessBuilder settings,
			StdinWriter bootstrap, Duration timeout, Set<Process> running, Path lock, Path failed) {
		Path temporary = sibling(archive, ".tmp-" + ProcessHandle.current().pid());
		List<String> command = new ArrayList<>(workerCommand);
		command.add(1, "-XX:ArchiveClassesAtExit=" + temporary);
		command.add(2, "-D" + dev.mp.child.WorkerMain.TRAIN_PROPERTY + "=true");
		Process process = null;
		String problem;
		try {
			Files.deleteIfExists(temporary);
			trainings.incrementAndGet();
			process = settings.command(command)
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			running.add(process);
			OutputStream stdin = process.getOutputStream();
			try {
				bootstrap.write(stdin);
				// stdin stays open until the child exits: its end of file would tell the child its parent is gone
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					process.waitFor();
					problem = "it took longer than " + timeout;
				}
				else if (!running.contains(process)) {
					return; // stopped by its parent's close(): not a failure
				}
				else if (process.exitValue() != 0 || !isUsable(temporary)) {
					problem = "exit code " + process.exitValue();
				}
				else {
					Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE,
							StandardCopyOption.REPLACE_EXISTING);
					logger.debug("Recorded the class-data archive {} for faster worker starts", archive);
					return;
				}
			}
			finally {
				try {
					stdin.close();
				}
				catch (IOException ex) {
					// the child is gone
				}
			}
		}
		catch (IOException ex) {
			problem = ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			if (process != null) {
				process.destroyForcibly();
			}
			return;
		}
		finally {
			if (process != null) {
				running.remove(process);
			}
			deleteQuietly(temporary);
			deleteQuietly(lock);
		}
		logger.warn("Cannot record a class-data archive for faster worker starts ({}); workers start without one",
				problem);
		try {
			Files.writeString(failed, problem + "\n");
		}
		catch (IOException ex) {
			// then the next parent tries again
		}
	}

	private static boolean lock(Path lock) throws IOException {
		try {
			Files.createFile(lock);
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			FileTime modified = Files.getLastModifiedTime(lock);
			if (modified.toInstant().isAfter(Instant.now().minus(STALE_LOCK))) {
				return false;
			}
			Files.deleteIfExists(lock);
			try {
				Files.createFile(lock);
				return true;
			}
			catch (FileAlreadyExistsException again) {
				return false;
			}
		}
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

	private static Path sibling(Path archive, String suffix) {
		return archive.resolveSibling(archive.getFileName() + suffix);
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/** Writes a child's stdin. */
	@FunctionalInterface
	public interface StdinWriter {

		void write(OutputStream stdin) throws IOException;

	}

}

package dev.mp.internal.launch;

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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data archives for workers, trained by mp itself. The first start for a given key (class path and its jars'
 * versions, Java installation and version, JVM options, bootstrap mode) runs one extra <em>training</em> child in the
 * background: it runs as a worker against a parent of its own (see {@code dev.mp.internal.worker.Rehearsal}) until that
 * parent shuts it down with exit code 0, and the JVM writes what it loaded as it exits.
 * Later workers map that archive and load those classes without parsing and verifying them again.
 * <ul>
 * <li>Java 17 to 24: a dynamic class-data-sharing archive, recorded with {@code -XX:ArchiveClassesAtExit} and mapped
 * with {@code -XX:SharedArchiveFile} ({@code .jsa}).</li>
 * <li>Java 25 and later (the child's Java, from its installation's {@code release} file): an ahead-of-time cache
 * (JEP 483/514), recorded in one step with {@code -XX:AOTCacheOutput} and mapped with {@code -XX:AOTCache}
 * ({@code .aot}); it also holds linked classes and method profiles.</li>
 * </ul>
 * Before a parent first maps an archive it checks it once with {@code java -Xshare:on -XX:+VerifySharedSpaces ...
 * -version} (about 30 ms): a truncated archive makes a Java 17 worker die of {@code SIGBUS} even with
 * {@code -Xshare:auto}, and a garbled one silently costs it all class data sharing, the JDK's own included. An archive
 * that fails the check is logged with the JVM's reason, deleted, and recorded again; workers start without it.
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

	/** Archives this JVM has trained or tried to: never twice (unless one is found broken and deleted). */
	private static final Set<Path> attempted = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger trainings = new AtomicInteger();

	private ClassDataArchives() {
	}

	/** How many training children this JVM has started; public for the sample app's cache tests. */
	public static int trainings() {
		return trainings.get();
	}

	/**
	 * Whether archives apply: the class path is one or more existing jar files but not a Boot fat jar, and the options
	 * leave class data sharing alone.
	 * @param bootFatJar whether the class path is a Boot fat jar (see {@link JvmCommand#isBootFatJar})
	 */
	public static boolean applies(String classPath, boolean bootFatJar, List<String> jvmOptions) {
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
	 */
	public static Path archive(Path cacheDirectory, Path javaHome, List<String> jvmOptions, String classPath,
			String bootstrapMode) {
		StringBuilder identity = new StringBuilder();
		identity.append(javaHome.toAbsolutePath()).append('\n').append(JavaRelease.javaVersion(javaHome)).append(' ');
		identity.append(version(javaHome.resolve("lib/modules")));
		identity.append('\n').append(String.join("\u0000", jvmOptions)).append('\n').append(bootstrapMode);
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
	public static boolean aheadOfTime(Path javaHome) {
		return JavaRelease.featureVersion(javaHome) >= 25;
	}

	/**
	 * The options that make a worker map the archive. On Java 25 the ahead-of-time cache also holds the compilations of
	 * its training, which ran only mp's own way to ready (see {@code Rehearsal}); replayed at start-up they compete
	 * with that very way for the cores, so with mp's start-up flags ({@link dev.mp.ProcessOptions#startupFlags()}) the
	 * replay is off. The switch is a diagnostic option of Java 25, so it is given to that version only (figures in
	 * {@code docs/worker-start.md}).
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

	/** Lets this JVM train the archive again: it was found broken and deleted. */
	static void forget(Path archive) {
		attempted.remove(archive);
	}

	/**
	 * Starts the training child for {@code archive} on a background thread, unless the archive exists, this JVM has
	 * tried already, another parent is training it, or a training failed within the last day.
	 * @param workerCommand a worker's full command, executable first, without class-data-sharing options
	 * @param bootstrap writes the worker's bootstrap block to the child's stdin (which stays open until it exits)
	 * @param scratch where the training child's rehearsal gets a private directory for its socket and files (see
	 * {@link PrivateDirectories}; short enough a path for a Unix socket), which this JVM deletes once the child has
	 * ended, however it ended, and the next parent deletes if this one dies first
	 * @param running where the running training child is registered until it ends, so its parent can stop it
	 */
	public static void trainIfMissing(Path archive, Path javaHome, List<String> workerCommand, ProcessBuilder settings,
			StdinWriter bootstrap, Path scratch, Duration timeout, Set<Process> running, long cacheMaxBytes) {
		if (ArchiveCheck.isUsable(archive) || !attempted.add(archive)) {
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
		Thread thread = new Thread(() -> {
			train(archive, javaHome, workerCommand, settings, bootstrap, scratch, timeout, running, lock, failed);
			CacheDirectory.prune(archive.getParent().getParent(), cacheMaxBytes);
		}, "mp-cds-training");
		thread.setDaemon(true);
		thread.start();
	}

	private static void train(Path archive, Path javaHome, List<String> workerCommand, ProcessBuilder settings,
			StdinWriter bootstrap, Path scratch, Duration timeout, Set<Process> running, Path lock, Path failed) {
		Path temporary = sibling(archive, ".tmp-" + ProcessHandle.current().pid());
		// Java 25's one-step training writes its configuration here, then assembles the cache in a JVM of its own
		Path configuration = sibling(temporary, ".config");
		List<String> command = new ArrayList<>(workerCommand);
		command.add(1, (aheadOfTime(javaHome) ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + temporary);
		Path rehearsal = null;
		Process process = null;
		String problem;
		try {
			Files.deleteIfExists(temporary);
			rehearsal = PrivateDirectories.create(scratch, "mp-training-");
			command.add(2, "-D" + dev.mp.internal.worker.WorkerMain.TRAIN_PROPERTY + "=" + rehearsal);
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
				else if (process.exitValue() != 0 || !ArchiveCheck.isUsable(temporary)) {
					problem = "exit code " + process.exitValue();
				}
				else {
					// checked before it is published: no worker of any parent maps a broken one
					Optional<String> broken;
					try {
						broken = ArchiveCheck.verify(temporary, javaHome, workerCommand, settings);
					}
					catch (ArchiveCheck.CannotCheckException ex) {
						broken = Optional.of("cannot check the recorded archive: " + ex.getMessage());
					}
					if (broken.isPresent()) {
						problem = "the recorded archive is unusable: " + broken.get();
					}
					else {
						Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE,
								StandardCopyOption.REPLACE_EXISTING);
						ArchiveCheck.passed(archive);
						CacheDirectory.touch(archive);
						logger.debug("Recorded the class-data archive {} for faster worker starts", archive);
						return;
					}
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
			deleteQuietly(configuration);
			deleteQuietly(lock);
			if (rehearsal != null) {
				PrivateDirectories.delete(rehearsal);
			}
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

	/** Writes a child's stdin. */
	@FunctionalInterface
	public interface StdinWriter {

		void write(OutputStream stdin) throws IOException;

	}

}

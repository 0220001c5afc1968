package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of a class-data archive before workers map it: once per archive file and JVM, a JVM that must map the
 * archive verifies its checksum; a broken archive is deleted, so that it is recorded again (see
 * {@link ClassDataArchives} for why the check is needed).
 */
public final class ArchiveCheck {

	/** The archives' own category: what an operator configures for them. */
	private static final Logger logger = LoggerFactory.getLogger(ClassDataArchives.class);

	private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Checks of archives by this JVM, by path, size, modification time and file key: a new file at the same path is
	 * checked again. (Its last use is stamped on a file next to it, see {@link CacheDirectory#touch}.)
	 */
	private static final Map<List<Object>, CompletableFuture<Boolean>> verified = new ConcurrentHashMap<>();

	private static final AtomicInteger rejections = new AtomicInteger();

	private ArchiveCheck() {
	}

	/** How many archives this JVM has found broken and deleted; public for the sample app's cache tests. */
	public static int rejections() {
		return rejections.get();
	}

	/** Whether the archive exists and is worth mapping. */
	static boolean isUsable(Path archive) {
		try {
			return Files.isRegularFile(archive) && Files.size(archive) > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Whether workers should map the archive: it exists and this JVM has checked it (once per archive file) by mapping
	 * it in a JVM that must use it and verify its checksum. A broken one is logged with the reason, deleted, and may be
	 * recorded again. Also marks the archive as in use by this JVM (see {@link CacheDirectory#use}).
	 * @param workerCommand a worker's full command, executable first and main class last, without archive options
	 * @param settings the worker's working directory and environment
	 */
	static boolean usable(Path archive, Path javaHome, List<String> workerCommand, ProcessBuilder settings) {
		CacheDirectory.use(archive.getParent().getParent(), archive);
		if (!isUsable(archive)) {
			return false;
		}
		List<Object> key;
		try {
			key = stamp(archive);
		}
		catch (IOException ex) {
			return false;
		}
		CompletableFuture<Boolean> mine = new CompletableFuture<>();
		CompletableFuture<Boolean> check = verified.putIfAbsent(key, mine);
		if (check != null) {
			return check.join();
		}
		Optional<String> problem;
		try {
			problem = verify(archive, javaHome, workerCommand, settings);
		}
		catch (CannotCheckException ex) {
			// not the archive's fault (no process, a machine too busy): without it this time, checked again next time
			logger.info("Cannot check the class-data archive {} ({}); this worker starts without it", archive,
					ex.getMessage());
			verified.remove(key, mine);
			mine.complete(false);
			return false;
		}
		problem.ifPresent((reason) -> {
			rejections.incrementAndGet();
			logger.warn("The class-data archive {} is unusable ({}); workers start without it, and it is recorded again",
					archive, reason);
			ClassDataArchives.deleteQuietly(archive);
			ArchiveTraining.forget(archive);
		});
		mine.complete(problem.isEmpty());
		return problem.isEmpty();
	}

	/**
	 * Maps the archive in a JVM that must use it and check its checksum.
	 * @return empty if it can, else what the JVM said
	 * @throws CannotCheckException if the check itself could not run to its end
	 */
	static Optional<String> verify(Path archive, Path javaHome, List<String> workerCommand, ProcessBuilder settings)
			throws CannotCheckException {
		Path errorFile = ClassDataArchives.sibling(archive, ".verify-" + ProcessHandle.current().pid() + ".log");
		Path outputFile = ClassDataArchives.sibling(archive, ".verify-" + ProcessHandle.current().pid() + ".out");
		List<String> command = new ArrayList<>(workerCommand.subList(0, workerCommand.size() - 1));
		// with every option a worker may map it with: a JVM that refused one fails the check, and no worker uses it
		List<String> checks = new ArrayList<>(ClassDataArchives.mappingOptions(archive, javaHome, true));
		checks.add(ClassDataArchives.aheadOfTime(javaHome) ? "-XX:AOTMode=on" : "-Xshare:on");
		checks.addAll(List.of("-XX:+VerifySharedSpaces", "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + errorFile));
		command.addAll(1, checks);
		command.add("-version");
		Process process = null;
		try {
			ProcessBuilder builder = new ProcessBuilder(command).directory(settings.directory())
				.redirectErrorStream(true)
				.redirectOutput(outputFile.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
			builder.environment().clear();
			builder.environment().putAll(settings.environment());
			process = ProcessStarts.start(builder);
			if (!process.waitFor(VERIFY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new CannotCheckException("the check took longer than " + VERIFY_TIMEOUT);
			}
			if (process.exitValue() == 0) {
				return Optional.empty();
			}
			String output = Files.readString(outputFile, StandardCharsets.ISO_8859_1);
			String signal = output.lines()
				.filter((line) -> line.startsWith("#  SIG"))
				.map((line) -> " (" + line.substring(3).replaceFirst(" .*", "") + ")")
				.findFirst()
				.orElse("");
			List<String> said = output.lines()
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.filter((line) -> !line.startsWith("Error occurred during initialization of VM"))
				.limit(3)
				.toList();
			return Optional.of("a JVM that maps it " + (said.isEmpty() ? "crashed" + signal : "said: " + String.join(" ", said))
					+ ", exit code " + process.exitValue());
		}
		catch (IOException ex) {
			throw new CannotCheckException(ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CannotCheckException("interrupted");
		}
		finally {
			if (process != null && process.isAlive()) {
				process.destroyForcibly();
			}
			ClassDataArchives.deleteQuietly(errorFile);
			ClassDataArchives.deleteQuietly(outputFile);
		}
	}

	/** Records that the archive now at this path passed its check: this JVM does not check it again. */
	static void passed(Path archive) throws IOException {
		verified.putIfAbsent(stamp(archive), CompletableFuture.completedFuture(true));
	}

	/** An archive file's key in {@link #verified}. */
	private static List<Object> stamp(Path archive) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(archive, BasicFileAttributes.class);
		return List.of(archive, attributes.size(), attributes.lastModifiedTime().toMillis(),
				String.valueOf(attributes.fileKey()));
	}

	/** The check of an archive could not run to its end: no verdict on the archive. */
	static final class CannotCheckException extends Exception {

		private static final long serialVersionUID = 1L;

		CannotCheckException(String message) {
			super(message);
		}

	}

}

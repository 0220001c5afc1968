package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spring Boot fat jars extracted once into a cache directory ({@code java -Djarmode=tools -jar app.jar extract}), so
 * that workers load their classes from plain jars through the application class loader instead of through Boot's
 * nested-jar loader. An entry is keyed by the jar's absolute path, size and modification time: a rebuilt jar gets a
 * new entry. Concurrent first starts (threads or parents) each extract into a temporary directory and rename it into
 * place; the loser deletes its copy. A failed extraction is remembered for the life of this JVM and logged once.
 */
public final class ExtractedJars {

	private static final Logger logger = LoggerFactory.getLogger(ExtractedJars.class);

	private static final Duration EXTRACT_TIMEOUT = Duration.ofSeconds(120);

	/** Results by entry directory: the extracted application jar, or empty after a failure. */
	private static final Map<Path, CompletableFuture<Optional<Path>>> results = new ConcurrentHashMap<>();

	private static final AtomicInteger extractions = new AtomicInteger();

	private ExtractedJars() {
	}

	/** The default cache directory: {@code $XDG_CACHE_HOME/mp}, else {@code ~/.cache/mp}. */
	public static Path defaultCacheDirectory() {
		String xdg = System.getenv("XDG_CACHE_HOME");
		Path base = (xdg != null && !xdg.isBlank()) ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
		return base.resolve("mp");
	}

	/** How many extractions this JVM has run, successful or not; public for the sample app's cache tests. */
	public static int extractions() {
		return extractions.get();
	}

	/**
	 * The extracted form of a fat jar: the application jar whose manifest {@code Class-Path} lists the libraries next
	 * to it. Extracts on the first call for a given jar version; blocks concurrent callers for the same jar meanwhile.
	 * @param javaHome the Java installation that runs the extraction
	 * @param jar the fat jar
	 * @param cacheDirectory the cache's base directory; entries go to its {@code extracted} directory
	 * @param cacheMaxBytes the cache directory's bound, enforced after a new extraction (see {@link CacheDirectory})
	 * @return the extracted application jar, or empty if extraction failed (then start the fat jar as it is)
	 */
	public static Optional<Path> extracted(Path javaHome, Path jar, Path cacheDirectory, long cacheMaxBytes) {
		Path entry;
		try {
			entry = cacheDirectory.toAbsolutePath().resolve("extracted").resolve(key(jar.toAbsolutePath()));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		CompletableFuture<Optional<Path>> mine = new CompletableFuture<>();
		CompletableFuture<Optional<Path>> result = results.putIfAbsent(entry, mine);
		if (result != null) {
			return result.join();
		}
		Optional<Path> extracted;
		try {
			// in use before it is looked at, so that no parent prunes it between the look and the workers' start
			CacheDirectory.use(cacheDirectory, entry);
			int before = extractions.get();
			extracted = Optional.of(extract(javaHome, jar.toAbsolutePath(), entry));
			if (extractions.get() != before) {
				CacheDirectory.prune(cacheDirectory, cacheMaxBytes);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot extract {} for faster worker starts ({}); workers start from the fat jar", jar,
					ex.getMessage());
			extracted = Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			results.remove(entry, mine);
			mine.complete(Optional.empty());
			return Optional.empty();
		}
		mine.complete(extracted);
		return extracted;
	}

	private static Path extract(Path javaHome, Path jar, Path entry) throws IOException, InterruptedException {
		Path applicationJar = entry.resolve(jar.getFileName());
		if (Files.isRegularFile(applicationJar)) {
			return applicationJar;
		}
		Path parent = entry.getParent();
		PrivateDirectories.ensure(parent);
		Path temporary = parent.resolve(".tmp-" + UUID.randomUUID());
		extractions.incrementAndGet();
		try {
			Path log = Files.createTempFile(parent, ".extract-", ".log");
			try {
				List<String> command = List.of(JvmCommand.java(javaHome), "-Djarmode=tools", "-jar", jar.toString(),
						"extract", "--destination", temporary.toString());
				Process process = ProcessStarts.start(new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())));
				if (!process.waitFor(EXTRACT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					process.waitFor();
					throw new IOException("extraction took longer than " + EXTRACT_TIMEOUT);
				}
				if (process.exitValue() != 0 || !Files.isRegularFile(temporary.resolve(jar.getFileName()))) {
					String output = Files.readString(log, StandardCharsets.UTF_8).strip();
					int newline = output.indexOf('\n');
					throw new IOException("exit code " + process.exitValue() + ": "
							+ ((newline < 0) ? output : output.substring(0, newline)));
				}
			}
			finally {
				Files.deleteIfExists(log);
			}
			try {
				Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ex) {
				// another parent won the race (a non-empty target makes rename fail); use its copy
				if (!Files.isRegularFile(applicationJar)) {
					throw ex;
				}
			}
			catch (IOException ex) {
				if (!Files.isRegularFile(applicationJar)) {
					throw ex;
				}
			}
			return applicationJar;
		}
		finally {
			PrivateDirectories.delete(temporary);
		}
	}

	/** A readable, stable name for one version of a jar: its name, then a hash of path, size and mtime. */
	static String key(Path jar) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
		String identity = jar + "\n" + attributes.size() + "\n" + attributes.lastModifiedTime().toMillis();
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
			String name = jar.getFileName().toString().replaceAll("\\.jar$", "").replaceAll("[^A-Za-z0-9._-]", "_");
			return name + "-" + HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.mp.internal.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.worker.WorkerMain;

/**
 * The training of a class-data archive: a training child that boots like a worker and records what it loads, in the
 * background, once per archive and JVM, by one parent at a time, and not again for a day after it failed (see
 * {@link ClassDataArchives}). A recorded archive is checked (see {@link ArchiveCheck}) before it is published.
 */
public final class ArchiveTraining {

	/** The archives' own category: what an operator configures for them. */
	private static final Logger logger = LoggerFactory.getLogger(ClassDataArchives.class);

	private static final Duration RETRY_AFTER_FAILURE = Duration.ofDays(1);

	/** A lock older than this is left over from a parent that died while training. */
	private static final Duration STALE_LOCK = Duration.ofMinutes(10);

	/** Archives this JVM has trained or tried to: never twice (unless one is found broken and deleted). */
	private static final Set<Path> attempted = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger trainings = new AtomicInteger();

	private ArchiveTraining() {
	}

	/** How many training children this JVM has started; public for the sample app's cache tests. */
	public static int trainings() {
		return trainings.get();
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
	static void trainIfMissing(Path archive, Path javaHome, List<String> workerCommand, ProcessBuilder settings,
			StdinWriter bootstrap, Path scratch, Duration timeout, Set<Process> running, long cacheMaxBytes) {
		if (ArchiveCheck.isUsable(archive) || !attempted.add(archive)) {
			return;
		}
		Path failed = ClassDataArchives.sibling(archive, ".failed");
		Path lock = ClassDataArchives.sibling(archive, ".lock");
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
		Path temporary = ClassDataArchives.sibling(archive, ".tmp-" + ProcessHandle.current().pid());
		// Java 25's one-step training writes its configuration here, then assembles the cache in a JVM of its own
		Path configuration = ClassDataArchives.sibling(temporary, ".config");
		List<String> command = new ArrayList<>(workerCommand);
		command.add(1, (ClassDataArchives.aheadOfTime(javaHome) ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=")
				+ temporary);
		Path rehearsal = null;
		Process process = null;
		String problem;
		try {
			Files.deleteIfExists(temporary);
			rehearsal = PrivateDirectories.create(scratch, "mp-training-");
			command.add(2, "-D" + WorkerMain.TRAIN_PROPERTY + "=" + rehearsal);
			trainings.incrementAndGet();
			process = ProcessStarts.start(settings.command(command)
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD));
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
			ClassDataArchives.deleteQuietly(temporary);
			ClassDataArchives.deleteQuietly(configuration);
			ClassDataArchives.deleteQuietly(lock);
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

	/** Writes a child's stdin. */
	@FunctionalInterface
	interface StdinWriter {

		void write(OutputStream stdin) throws IOException;

	}

}

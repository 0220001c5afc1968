package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private directories (mode 0700) named after the process that made them, {@code <prefix><pid>-<random>}, holding that
 * process's {@link ProcessIdentity} in {@value #OWNER}. A process killed before it could remove its own leaves it
 * behind; the next one to make a directory with the same prefix in the same place removes those whose process is gone.
 * Gone means: the recorded pid, start time and pid namespace no longer run. A directory of another pid namespace (a
 * container sharing {@code /tmp} or {@code /dev/shm}) or without a record (still being made) is never removed.
 */
public final class PrivateDirectories {

	private static final Logger logger = LoggerFactory.getLogger(PrivateDirectories.class);

	/** The file in each directory that names the process that made it. */
	static final String OWNER = ".owner";

	private static final ProcessIdentity SELF = ProcessIdentity.current();

	private PrivateDirectories() {
	}

	/**
	 * Makes a private directory, first removing ones with the same prefix left by dead processes of this user.
	 * @param parent where to make it (created if missing)
	 * @param prefix the start of its name, such as {@code mp-}
	 * @return the new directory
	 * @throws IOException when it cannot be made
	 */
	public static Path create(Path parent, String prefix) throws IOException {
		Files.createDirectories(parent);
		Path made = Files.createTempDirectory(parent, prefix + SELF.pid() + "-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.writeString(made.resolve(OWNER), SELF.format());
		removeAbandoned(parent, prefix, made);
		return made;
	}

	/** Makes a directory of a fixed name, with its parents, private (0700) when it is new. */
	public static void ensure(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			Files.createDirectories(directory);
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
		}
	}

	/** Removes a directory and everything in it, as far as possible; what cannot be removed is logged. */
	public static void delete(Path root) {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					logger.warn("Could not remove {}: {}", path, ex.toString());
				}
			});
		}
		catch (IOException ex) {
			logger.warn("Could not remove {}: {}", root, ex.toString());
		}
	}

	/** Removes directories with the prefix whose process is gone and whose owner is this user (by uid). */
	private static void removeAbandoned(Path parent, String prefix, Path mine) {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, prefix + "*")) {
			Object uid = uid(mine);
			for (Path entry : entries) {
				try {
					if (!entry.equals(mine) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
							&& uid(entry).equals(uid)) {
						abandonedBy(entry).ifPresent((owner) -> {
							logger.info("Removing {}, left by process {} which is gone", entry, owner.pid());
							delete(entry);
						});
					}
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("Could not judge {}: {}", entry, ex.toString());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not look for abandoned directories in {}: {}", parent, ex.toString());
		}
	}

	/** The process that made the directory, if it recorded itself, lived in this pid namespace and runs no more. */
	static Optional<ProcessIdentity> abandonedBy(Path directory) throws IOException {
		Path owner = directory.resolve(OWNER);
		if (!Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS)) {
			return Optional.empty();
		}
		return ProcessIdentity.parse(Files.readString(owner))
			.filter(ProcessIdentity::inThisNamespace)
			.filter((maker) -> !maker.isRunning());
	}

	private static Object uid(Path path) throws IOException {
		return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
	}

}

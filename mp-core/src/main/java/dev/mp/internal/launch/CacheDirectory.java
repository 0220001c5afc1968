package dev.mp.internal.launch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps mp's cache directory (extracted fat jars, class-data archives and ahead-of-time caches) under a size bound,
 * safely with several parents sharing it.
 * <p>
 * An <em>entry</em> is a directory of {@code extracted/} or an archive file of {@code cds/}. A parent that uses an entry
 * takes a shared lock on one byte of {@code in-use.lock} (its offset a hash of the entry's name) and holds it until it
 * exits, and stamps the entry's modification time as its last use. Pruning deletes the least recently used entries
 * for which it gets an exclusive lock of that byte, oldest first, until the total is under the bound. The kernel drops
 * a dead parent's locks, and the lock file is never deleted, so there is no window where a user and a pruner lock
 * different files. A hash collision only keeps an entry longer.
 */
public final class CacheDirectory {

	private static final Logger logger = LoggerFactory.getLogger(CacheDirectory.class);

	/** The default bound of a cache directory: 1 GiB. */
	public static final long DEFAULT_MAX_BYTES = 1L << 30;

	private static final String LOCK_FILE = "in-use.lock";

	/** Offsets of entry locks stay below this; the pruner's own lock sits at it. */
	private static final long PRUNE_LOCK_POSITION = 1L << 47;

	/** Per cache directory: its open lock file and the locks this JVM holds in it, by offset. */
	private static final Map<Path, Locks> caches = new HashMap<>();

	private CacheDirectory() {
	}

	/**
	 * Marks an entry as used by this JVM until it exits: no parent prunes it meanwhile, and its last use is now. Call
	 * it before looking whether the entry exists, so that a pruner cannot delete it between the look and the use.
	 * @param cacheDirectory the cache's base directory
	 * @param entry a directory of {@code extracted/} or a file of {@code cds/}, existing or not
	 */
	public static void use(Path cacheDirectory, Path entry) {
		try {
			Locks locks = locks(cacheDirectory);
			long position = position(cacheDirectory, entry);
			synchronized (locks) {
				if (!locks.held.containsKey(position)) {
					// blocks only while a pruner deletes this very entry; then the caller sees it missing and makes it
					locks.held.put(position, locks.channel.lock(position, 1, true));
				}
			}
		}
		catch (IOException | OverlappingFileLockException ex) {
			logger.debug("Cannot mark {} as in use: {}", entry, ex.toString());
		}
		touch(entry);
	}

	/**
	 * Stamps an entry's last use, if it exists: a directory's modification time, or for an archive file that of an
	 * empty {@code .used} file next to it (the archive's own time tells its versions apart, see
	 * {@link ArchiveCheck}).
	 */
	static void touch(Path entry) {
		try {
			FileTime now = FileTime.fromMillis(System.currentTimeMillis());
			if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
				Files.setLastModifiedTime(entry, now);
			}
			else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
				Path stamp = stamp(entry);
				if (!Files.exists(stamp)) {
					Files.createFile(stamp);
				}
				Files.setLastModifiedTime(stamp, now);
			}
		}
		catch (IOException ex) {
			// missing, or not ours: it just looks older
		}
	}

	private static Path stamp(Path archive) {
		return archive.resolveSibling(archive.getFileName() + ".used");
	}

	private static FileTime lastUsed(Path entry) throws IOException {
		FileTime modified = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS);
		Path stamp = stamp(entry);
		if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && Files.exists(stamp)) {
			FileTime used = Files.getLastModifiedTime(stamp);
			return (used.compareTo(modified) > 0) ? used : modified;
		}
		return modified;
	}

	/**
	 * Deletes least recently used entries that no live parent uses until the entries take at most {@code maxBytes}.
	 * Does nothing while another parent prunes the same directory.
	 * @param maxBytes the bound; zero or less means none
	 * @return how many entries it deleted
	 */
	public static int prune(Path cacheDirectory, long maxBytes) {
		if (maxBytes <= 0 || !Files.isDirectory(cacheDirectory)) {
			return 0;
		}
		Locks locks;
		try {
			locks = locks(cacheDirectory);
		}
		catch (IOException ex) {
			logger.debug("Cannot prune {}: {}", cacheDirectory, ex.toString());
			return 0;
		}
		synchronized (locks) {
			try (FileLock pruning = locks.channel.tryLock(PRUNE_LOCK_POSITION, 1, false)) {
				if (pruning == null) {
					return 0;
				}
				return prune(cacheDirectory, maxBytes, locks);
			}
			catch (IOException | OverlappingFileLockException ex) {
				logger.debug("Cannot prune {}: {}", cacheDirectory, ex.toString());
				return 0;
			}
		}
	}

	private static int prune(Path cacheDirectory, long maxBytes, Locks locks) throws IOException {
		List<Entry> entries = entries(cacheDirectory);
		long total = entries.stream().mapToLong(Entry::bytes).sum();
		int deleted = 0;
		for (Entry entry : entries) {
			if (total <= maxBytes) {
				break;
			}
			long position = position(cacheDirectory, entry.path());
			if (locks.held.containsKey(position)) {
				continue;
			}
			FileLock lock;
			try {
				lock = locks.channel.tryLock(position, 1, false);
			}
			catch (OverlappingFileLockException ex) {
				continue;
			}
			if (lock == null) {
				continue; // a live parent uses it
			}
			try {
				delete(entry.path());
				total -= entry.bytes();
				deleted++;
				logger.info("Removed {} ({}, last used {}) to keep the cache directory under {}", entry.path(),
						mebibytes(entry.bytes()), entry.lastUsed(), mebibytes(maxBytes));
			}
			finally {
				lock.release();
			}
		}
		return deleted;
	}

	private static String mebibytes(long bytes) {
		return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
	}

	/** The entries of a cache directory, least recently used first. */
	static List<Entry> entries(Path cacheDirectory) throws IOException {
		List<Entry> entries = new ArrayList<>();
		for (String kind : List.of("extracted", "cds")) {
			Path directory = cacheDirectory.resolve(kind);
			if (!Files.isDirectory(directory)) {
				continue;
			}
			try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
				for (Path child : children) {
					String name = child.getFileName().toString();
					boolean entry = kind.equals("extracted") ? !name.startsWith(".")
							: (name.endsWith(".jsa") || name.endsWith(".aot"));
					if (entry) {
						try {
							entries.add(new Entry(child, lastUsed(child), bytes(child)));
						}
						catch (NoSuchFileException ex) {
							// pruned meanwhile
						}
					}
				}
			}
		}
		entries.sort(Comparator.comparing(Entry::lastUsed));
		return entries;
	}

	private static long bytes(Path path) throws IOException {
		if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
			return Files.size(path);
		}
		try (Stream<Path> files = Files.walk(path)) {
			return files.filter((file) -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).mapToLong((file) -> {
				try {
					return Files.size(file);
				}
				catch (IOException ex) {
					return 0;
				}
			}).sum();
		}
	}

	private static void delete(Path entry) throws IOException {
		if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
			// out of sight in one step, so that nobody sees half of it
			Path doomed = entry.resolveSibling(".pruned-" + UUID.randomUUID());
			Files.move(entry, doomed, StandardCopyOption.ATOMIC_MOVE);
			PrivateDirectories.delete(doomed);
		}
		else {
			Files.deleteIfExists(entry);
			Files.deleteIfExists(stamp(entry));
		}
	}

	private static Locks locks(Path cacheDirectory) throws IOException {
		Path key = cacheDirectory.toAbsolutePath().normalize();
		synchronized (caches) {
			Locks locks = caches.get(key);
			if (locks == null) {
				PrivateDirectories.ensure(key);
				FileChannel channel = FileChannel.open(key.resolve(LOCK_FILE), StandardOpenOption.CREATE,
						StandardOpenOption.READ, StandardOpenOption.WRITE);
				locks = new Locks(channel, new HashMap<>());
				caches.put(key, locks);
			}
			return locks;
		}
	}

	/** The offset of an entry's lock: a hash of its path inside the cache directory. */
	private static long position(Path cacheDirectory, Path entry) {
		String name = cacheDirectory.toAbsolutePath()
			.normalize()
			.relativize(entry.toAbsolutePath().normalize())
			.toString();
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			long position = 0;
			for (int i = 0; i < 8; i++) {
				position = (position << 8) | (digest[i] & 0xff);
			}
			return position & (PRUNE_LOCK_POSITION - 1);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Entry(Path path, FileTime lastUsed, long bytes) {
	}

	private record Locks(FileChannel channel, Map<Long, FileLock> held) {
	}

}

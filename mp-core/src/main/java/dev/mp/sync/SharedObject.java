package dev.mp.sync;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.shm.SharedMemory;

/**
 * An object that lives in shared memory: a lock, a queue, a value. Passing one to another process, as an argument
 * to a process, a pool task or a {@code @WorkerProcess} method, or in a queue, hands over the object itself: what is
 * sent is the name of its memory, which the receiver maps, so both processes then work on the same bytes.
 *
 * <p>It lives until {@link #close()} in the process that created it, or until its template closes.
 */
public abstract class SharedObject implements Serializable, AutoCloseable {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final Pattern OBJECT_FILE = Pattern.compile("[a-z]+(-[a-z]+)*-\\d+");

	private final String file;

	private transient SharedMemory memory;

	/** The registry that created this object; {@code null} in the other processes that use it. */
	private transient @Nullable SharedObjects owner;

	private transient volatile boolean closed;

	SharedObject(SharedObjects owner, SharedMemory memory) {
		this.owner = owner;
		this.memory = memory;
		this.file = memory.file().toString();
	}

	final SharedMemory memory() {
		return this.memory;
	}

	/** The registry that made this object in this process, or {@code null} where it was received. */
	final @Nullable SharedObjects owner() {
		return this.owner;
	}

	final String file() {
		return this.file;
	}

	/** A short name for messages and logs, such as {@code lock-3}. */
	public final String name() {
		return Path.of(this.file).getFileName().toString();
	}

	/**
	 * Releases this object's shared memory. In the process that created it, its backing file is removed: processes
	 * that already use it keep their mapping, and it can no longer be sent to new ones. Elsewhere it only forgets it.
	 */
	@Override
	public void close() {
		this.closed = true;
		SharedObjects.forget(this);
	}

	/** Called once in a receiving process, after its memory is mapped and before anyone uses it. */
	void attached() {
	}

	/**
	 * Refuses to send a closed object: the receiver could not map it. Here rather than in a {@code writeObject}, which
	 * would make a codec such as Fory write the object as a JDK stream (and warn once per class that it does).
	 */
	@Serial
	protected final Object writeReplace() throws ObjectStreamException {
		if (this.closed) {
			throw new InvalidObjectException("Shared object " + name() + " is closed: it cannot be sent to another "
					+ "process");
		}
		return this;
	}

	/** The same object in this process if it already has it, else this copy attached to the shared memory. */
	@Serial
	protected final Object readResolve() throws ObjectStreamException {
		SharedObject known = SharedObjects.known(this.file);
		if (known != null && known.getClass() == getClass()) {
			return known;
		}
		Path path = Path.of(this.file);
		if (!isSharedObjectFile(path)) {
			throw new InvalidObjectException("Refused to map " + this.file + ": not a file of mp's shared objects");
		}
		try {
			this.memory = SharedMemory.map(path);
		}
		catch (IOException ex) {
			InvalidObjectException invalid = new InvalidObjectException("Shared object " + name()
					+ " no longer exists (" + ex + "): its template closed, or it was closed, before it arrived");
			invalid.initCause(ex);
			throw invalid;
		}
		attached();
		return SharedObjects.remember(this);
	}

	/**
	 * Whether a path received in a stream names a shared object's file, {@code .../mp-shm-<pid>-<random>/<kind>-<n>},
	 * with no link on the way: a stream must not make this process map any file it can write.
	 */
	private static boolean isSharedObjectFile(Path path) {
		Path directory = path.getParent();
		return path.isAbsolute() && path.normalize().equals(path) && directory != null
				&& OBJECT_FILE.matcher(path.getFileName().toString()).matches()
				&& SharedObjects.isDirectoryName(directory.getFileName().toString())
				&& Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
				&& Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + name() + "]";
	}

}

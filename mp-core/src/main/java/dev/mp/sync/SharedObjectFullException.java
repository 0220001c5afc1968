package dev.mp.sync;

import java.io.Serial;

/**
 * A change to a {@link SharedMap}, {@link SharedList} or {@link SharedNamespace} was refused because the new contents
 * do not fit the capacity the object was made with; the contents stay as they were. Make the object with a larger
 * capacity.
 */
public class SharedObjectFullException extends SharedMemoryException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final int capacityBytes;

	private final long neededBytes;

	public SharedObjectFullException(String message, int capacityBytes, long neededBytes) {
		super(message);
		this.capacityBytes = capacityBytes;
		this.neededBytes = neededBytes;
	}

	/** The most bytes the object's encoded contents may take. */
	public int capacityBytes() {
		return this.capacityBytes;
	}

	/** The bytes the refused contents would have taken. */
	public long neededBytes() {
		return this.neededBytes;
	}

}

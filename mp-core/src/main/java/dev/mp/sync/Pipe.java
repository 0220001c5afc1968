package dev.mp.sync;

import java.io.Serial;
import java.io.Serializable;

/**
 * The two ends of a pipe, like the pair Python's {@code multiprocessing.Pipe()} returns. A duplex pipe (the
 * default) carries messages both ways: each end sends to the other. A one-way pipe, as {@code Pipe(duplex=False)},
 * has a receiving end ({@link #first()}) and a sending end ({@link #second()}).
 *
 * <p>Keep one end and pass the other to another process, or pass both to two others.
 *
 * @param first the first end: the receiving one of a one-way pipe
 * @param second the second end: the sending one of a one-way pipe
 * @param <E> the type of the messages
 */
public record Pipe<E>(Connection<E> first, Connection<E> second) implements Serializable, AutoCloseable {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Makes the two ends; the caller registers both with {@code owner}.
	 * @param owner the registry whose memory and codec the ends use
	 * @param duplex whether both ends send and receive; else the first only receives and the second only sends
	 * @param capacityBytes the size of each direction's ring, rounded up to a power of two
	 */
	static <E> Pipe<E> create(SharedObjects owner, boolean duplex, int capacityBytes) {
		Connection<E> first = new Connection<>(owner, true, true, duplex, capacityBytes);
		Connection<E> second = new Connection<>(owner, false, duplex, true, capacityBytes);
		first.connect(second);
		second.connect(first);
		return new Pipe<>(first, second);
	}

	/** Whether both ends send and receive. */
	public boolean isDuplex() {
		return this.first.canSend() && this.first.canReceive();
	}

	/** Closes both ends in this process, which ends the pipe unless other live processes still hold each end. */
	@Override
	public void close() {
		this.first.close();
		this.second.close();
	}

}

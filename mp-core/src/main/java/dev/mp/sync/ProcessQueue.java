package dev.mp.sync;

import java.io.Serial;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A first-in first-out queue shared by every process that has it, like Python's {@code multiprocessing.Queue}: any
 * number of processes put and take, and each message is taken once. Shaped like
 * {@link java.util.concurrent.BlockingQueue} where that makes sense across processes: {@code put}/{@code take}
 * wait, {@code offer}/{@code poll} do not or wait for a time, and {@code null} is refused.
 *
 * <p>Messages live in a ring of shared memory ({@link #capacityBytes()}, 1 MiB unless chosen). {@code byte[]},
 * {@code String}, {@code Integer}, {@code Long}, {@code Double} and {@code Boolean} are copied in directly; anything
 * else is serialized with the template's codec, under its allow-list. Messages are delivered in the order they were
 * put; messages of one producer thread reach the consumers in its order.
 *
 * <p><b>Bounds.</b> A queue made with a maximum size holds at most that many messages, as Python's
 * {@code Queue(maxsize)}. Every queue is also bounded by its ring: an "unbounded" queue has no limit on messages, and
 * its {@code put} waits only while the ring is full. A message larger than the whole ring still passes: it is
 * streamed through it while a consumer takes it, and the call that puts it returns once it is all in.
 *
 * <p><b>Differences from Python, on purpose.</b> There is no feeder thread: when {@code put} returns, the message is
 * in shared memory, so nothing is lost when the process exits right after, and nothing needs
 * {@code join_thread()} or {@code cancel_join_thread()}. {@link #size()} is, as {@code qsize()}, a snapshot.
 *
 * <p><b>A process killed while it puts or takes</b> a message may break the queue, as in Python. A waiter notices
 * within milliseconds: a process that died between messages only hands its turn on, but one that died in the middle
 * of a message leaves it half written (or half read), and every call then throws {@link IllegalStateException}
 * naming the dead process.
 *
 * @param <E> the type of the messages
 */
public sealed class ProcessQueue<E> extends SharedObject permits JoinableProcessQueue {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The ring's size unless chosen: 1 MiB. */
	public static final int DEFAULT_CAPACITY_BYTES = 1 << 20;

	private transient SharedRing ring;

	private transient MessageCodec codec;

	/**
	 * Makes a queue.
	 * @param owner the registry whose memory and codec it uses
	 * @param maxSize the most messages it holds, as Python's {@code maxsize}; 0 (or less) for no limit
	 * @param capacityBytes the ring's size, rounded up to a power of two
	 */
	ProcessQueue(SharedObjects owner, int maxSize, int capacityBytes) {
		this(owner, "queue", maxSize, capacityBytes, false);
	}

	ProcessQueue(SharedObjects owner, String kind, int maxSize, int capacityBytes, boolean joinable) {
		super(owner, owner.allocate(kind, RingLayout.bytesFor(RingLayout.capacityFor(capacityBytes))));
		RingLayout.format(memory(), RingLayout.capacityFor(capacityBytes), Math.max(0, maxSize), joinable);
		init();
	}

	@Override
	void attached() {
		init();
	}

	private void init() {
		this.ring = new SharedRing(memory(), name());
		this.codec = new MessageCodec(this);
	}

	final SharedRing ring() {
		return this.ring;
	}

	/**
	 * Puts a message, waiting while the queue is full.
	 * @throws InterruptedException when interrupted while waiting (nothing was put)
	 * @throws QueueShutDownException when the queue is shut down
	 * @throws NullPointerException when the message is {@code null}
	 * @throws dev.mp.SerializationException when the message cannot be serialized or its class is refused
	 */
	public void put(E message) throws InterruptedException {
		this.codec.put(this.ring, Objects.requireNonNull(message, "message"), Waiting.FOREVER);
	}

	/**
	 * Puts a message if there is room now.
	 * @return whether it was put
	 */
	public boolean offer(E message) {
		try {
			return this.codec.put(this.ring, Objects.requireNonNull(message, "message"), SharedRing.NOW);
		}
		catch (InterruptedException ex) {
			// cannot happen without waiting; keep the interrupt if it does
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Puts a message, waiting up to the given time for room. A message that fits the ring is put whole or not at
	 * all; a larger one, once started, is put whole, however long that takes.
	 * @return whether it was put
	 * @throws InterruptedException when interrupted while waiting (nothing was put)
	 */
	public boolean offer(E message, long timeout, TimeUnit unit) throws InterruptedException {
		return this.codec.put(this.ring, Objects.requireNonNull(message, "message"), Waiting.deadline(timeout, unit));
	}

	/**
	 * Takes the oldest message, waiting until there is one.
	 * @throws InterruptedException when interrupted while waiting (nothing was taken)
	 * @throws QueueShutDownException when the queue is shut down and empty
	 */
	@SuppressWarnings("unchecked")
	public E take() throws InterruptedException {
		return (E) this.ring.take(Waiting.FOREVER, this.codec);
	}

	/**
	 * Takes the oldest message if there is one now.
	 * @return the message, or {@code null} when the queue is empty
	 */
	public @Nullable E poll() {
		try {
			return nullWhenNothing(this.ring.take(SharedRing.NOW, this.codec));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Takes the oldest message, waiting up to the given time for one to arrive. The time bounds the wait for a
	 * message to start arriving; a message larger than the ring, once started, is received whole.
	 * @return the message, or {@code null} when none arrived in time
	 * @throws InterruptedException when interrupted while waiting (nothing was taken)
	 */
	public @Nullable E poll(long timeout, TimeUnit unit) throws InterruptedException {
		return nullWhenNothing(this.ring.take(Waiting.deadline(timeout, unit), this.codec));
	}

	/**
	 * Shuts the queue down, as Python's {@code Queue.shutdown()}: from now on {@code put} and {@code offer} throw
	 * {@link QueueShutDownException}, in every process; {@code take} and {@code poll} still return the messages left,
	 * then throw it too. Callers waiting in other processes wake with it.
	 */
	public void shutdown() {
		shutdown(false);
	}

	/**
	 * Shuts the queue down; with {@code immediate}, as Python's {@code shutdown(immediate=True)}, the messages left
	 * are dropped (each counts as done for {@link JoinableProcessQueue#join()}), so {@code take} throws at once.
	 * Interrupted while dropping, it stops dropping and keeps the interrupt; the queue is shut down either way.
	 * @return the messages dropped
	 */
	public int shutdown(boolean immediate) {
		try {
			return this.ring.shutdown(immediate);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
	}

	/** Whether {@link #shutdown()} was called, in any process. */
	public boolean isShutDown() {
		return this.ring.isShutDown();
	}

	/** The number of messages in the queue now; as Python's {@code qsize()}, out of date as soon as it returns. */
	public int size() {
		return this.ring.count();
	}

	/** Whether the queue holds no message now. */
	public boolean isEmpty() {
		return size() == 0;
	}

	/**
	 * How many more messages fit by count: {@link Integer#MAX_VALUE} for a queue with no maximum size (its ring's
	 * bytes still bound it).
	 */
	public int remainingCapacity() {
		int max = this.ring.maxItems();
		return (max > 0) ? Math.max(0, max - size()) : Integer.MAX_VALUE;
	}

	/** The most messages this queue holds, or 0 when only its ring bounds it. */
	public int maxSize() {
		return this.ring.maxItems();
	}

	/** The size of the ring that holds the messages, in bytes. */
	public int capacityBytes() {
		return this.ring.capacity();
	}

	@SuppressWarnings("unchecked")
	private @Nullable E nullWhenNothing(Object taken) {
		return (taken == SharedRing.NOTHING) ? null : (E) taken;
	}

}

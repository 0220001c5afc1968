package dev.mp.internal.logging;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;

/**
 * The worker's side of its log events: a bounded queue that a logging thread only ever offers to, and a thread of its
 * own that sends what is queued to the parent in {@link FrameType#LOG_EVENT} frames, several events to a frame. What
 * does not fit the queue is dropped and counted, and the parent hears the count as one event. Events logged before the
 * worker is connected wait in the queue; a worker that exits without a connection prints them as text instead, so a
 * failed start still shows them in its output.
 */
public final class LogEventSender {

	/** Events queued at most. */
	static final int MAX_QUEUED = 4096;

	/** Bytes queued at most. */
	static final long MAX_QUEUED_BYTES = 8 * 1024 * 1024;

	/** Largest event; a larger one is dropped (and counted). */
	private static final int MAX_EVENT_BYTES = 1024 * 1024;

	/** Bytes of events per frame, beyond the first. */
	private static final int BATCH_BYTES = 256 * 1024;

	private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(MAX_QUEUED);

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final int maxEventBytes;

	private final int batchBytes;

	/** Held while a batch is taken from the queue and written, so that batches leave in the order they were taken. */
	private final Object sending = new Object();

	private final Thread thread;

	private volatile @Nullable FrameChannel channel;

	/** Set once a write failed, or the worker is on its way out: events then stay text. */
	private volatile boolean stopped;

	/**
	 * @param maxFrameBytes the frame limit; a frame of events stays within it
	 */
	public LogEventSender(int maxFrameBytes) {
		this.maxEventBytes = Math.min(MAX_EVENT_BYTES, maxFrameBytes - Integer.BYTES);
		this.batchBytes = Math.min(BATCH_BYTES, this.maxEventBytes);
		this.thread = new Thread(this::sendUntilStopped, "mp-log-events");
		this.thread.setDaemon(true);
	}

	/** Starts the sender's thread, unless started; events are sent once {@link #connected} gives it the connection. */
	public synchronized LogEventSender start() {
		if (this.thread.getState() == Thread.State.NEW) {
			this.thread.start();
		}
		return this;
	}

	/**
	 * Takes an event on the thread that logged it, never waiting.
	 * @return {@code false} if the event is not taken and should go where it went without mp: the sender's own
	 * thread logged it, or sending has stopped
	 */
	public boolean offer(LogEvent event) {
		if (this.stopped || Thread.currentThread() == this.thread) {
			return false;
		}
		byte[] bytes = LogEventCodec.encode(event);
		if (bytes.length > this.maxEventBytes || this.queuedBytes.get() + bytes.length > MAX_QUEUED_BYTES
				|| !this.queue.offer(bytes)) {
			this.dropped.incrementAndGet();
			return true;
		}
		this.queuedBytes.addAndGet(bytes.length);
		if (this.channel != null) {
			LockSupport.unpark(this.thread);
		}
		return true;
	}

	/** The worker is connected: what is queued, and all that follows, goes to the parent. */
	public void connected(FrameChannel channel) {
		this.channel = channel;
		LockSupport.unpark(this.thread);
	}

	/**
	 * Sends what is queued now on the calling thread (a call's thread before it answers, so that the call's events
	 * reach the parent ahead of its answer); at once if nothing is.
	 */
	public void flush() {
		if (!this.queue.isEmpty() || this.dropped.get() > 0) {
			send(this.queue.size());
		}
	}

	/**
	 * The worker is on its way out: sends what is queued if it is connected, prints it as text otherwise; events
	 * logged after this stay text.
	 */
	public void close(PrintStream text) {
		if (this.channel != null && !this.stopped) {
			send(Integer.MAX_VALUE);
		}
		this.stopped = true;
		byte[] left;
		while ((left = this.queue.poll()) != null) {
			text.println(asText(LogEventCodec.decode(ByteBuffer.wrap(left))));
		}
	}

	private void sendUntilStopped() {
		while (!this.stopped) {
			if (this.channel == null || (this.queue.isEmpty() && this.dropped.get() == 0)) {
				LockSupport.park(this);
			}
			else {
				send(Integer.MAX_VALUE);
			}
		}
	}

	/** Sends up to {@code most} queued events (and the count of those dropped), in frames within the limits. */
	private void send(int most) {
		FrameChannel open = this.channel;
		if (open == null) {
			return;
		}
		synchronized (this.sending) {
			int left = most;
			ByteArrayOutputStream batch = new ByteArrayOutputStream();
			long drops = this.dropped.getAndSet(0);
			if (drops > 0) {
				add(batch, LogEventCodec.encode(droppedEvent(drops)));
			}
			byte[] next;
			while (!this.stopped && left > 0 && (next = this.queue.poll()) != null) {
				left--;
				this.queuedBytes.addAndGet(-next.length);
				if (batch.size() > 0 && batch.size() + Integer.BYTES + next.length > this.batchBytes) {
					write(open, batch);
				}
				add(batch, next);
			}
			if (batch.size() > 0) {
				write(open, batch);
			}
		}
	}

	private static void add(ByteArrayOutputStream batch, byte[] event) {
		try {
			new DataOutputStream(batch).writeInt(event.length);
		}
		catch (IOException ex) {
			// a byte array does not fail
		}
		batch.writeBytes(event);
	}

	private void write(FrameChannel open, ByteArrayOutputStream batch) {
		try {
			open.write(new Frame(FrameType.LOG_EVENT, 0, batch.toByteArray()));
		}
		catch (IOException | RuntimeException ex) {
			// the connection is gone (the worker follows it) or refused the frame: events go back to being text
			this.stopped = true;
		}
		batch.reset();
	}

	private static LogEvent droppedEvent(long count) {
		Instant now = Instant.now();
		return new LogEvent(now.getEpochSecond(), now.getNano(), Level.WARN.toInt(), LogEventSender.class.getName(),
				Thread.currentThread().getName(),
				count + " log events of this worker were dropped: it logged faster than they could be sent to its "
						+ "parent (" + MAX_QUEUED + " events or " + MAX_QUEUED_BYTES / (1024 * 1024)
						+ " MB wait at most)",
				Map.of(), List.of(), List.of(), null);
	}

	/** An event as a plain line, for a worker that never reached its parent. */
	static String asText(LogEvent event) {
		String line = Instant.ofEpochSecond(event.epochSecond(), event.nanos()) + " "
				+ Level.intToLevel(event.level()) + " [" + event.threadName() + "] "
				+ event.loggerName() + " : " + event.message();
		ThrowableSnapshot thrown = event.thrown();
		if (thrown == null) {
			return line;
		}
		StringWriter text = new StringWriter();
		thrown.standIn().printStackTrace(new PrintWriter(text));
		return line + System.lineSeparator() + text.toString().stripTrailing();
	}

}

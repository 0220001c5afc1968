package dev.mp.internal.worker;

import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.mp.Progress;
import dev.mp.internal.call.WorkerReports;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.spi.ChildBootstrap;

/**
 * What a worker tells its parent unasked, over its connection from a daemon thread of its own, so that a call busy for
 * minutes holds nothing up: its JVM's facts every interval, and the running call's progress. A call's thread sends a
 * report itself when none went in the last {@value #PROGRESS_GAP_MILLIS} ms; a sooner one is kept, replaced by any
 * later one, and sent by this thread once the gap has passed, or by the call's thread just before the answer. A tight
 * loop of reports so costs the task a lock and a few fields each, and one frame per gap.
 */
public final class ReportThread {

	static final long PROGRESS_GAP_MILLIS = 100;

	private static final long PROGRESS_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(PROGRESS_GAP_MILLIS);

	/** The first facts go no later than this after the connection, however long the interval. */
	private static final long FIRST_FACTS_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static volatile @Nullable ReportThread current;

	private final FrameChannel channel;

	private final long factsNanos;

	private final ChildBootstrap bootstrap;

	private final Thread thread;

	/** The running call's id, 0 between calls; guarded by {@code this}, as are the fields below. */
	private long callId;

	private long lastSent;

	private @Nullable Progress pending;

	/** Whether the running call sent progress over the socket, which its answer must then follow. */
	private boolean sentThisCall;

	private ReportThread(FrameChannel channel, long factsMillis, ChildBootstrap bootstrap) {
		this.channel = channel;
		this.factsNanos = TimeUnit.MILLISECONDS.toNanos(factsMillis);
		this.bootstrap = bootstrap;
		this.thread = new Thread(this::run, "mp-reports");
		this.thread.setDaemon(true);
	}

	/** Starts the thread for this worker's connection; calls report their progress to it from now on. */
	static ReportThread start(FrameChannel channel, long factsMillis, ChildBootstrap bootstrap) {
		ReportThread reports = new ReportThread(channel, factsMillis, bootstrap);
		current = reports;
		reports.thread.start();
		return reports;
	}

	/**
	 * The running call's report of its progress (see {@link dev.mp.CurrentProcess#progress}); ignored outside a call
	 * and outside a worker.
	 */
	public static void progress(Progress progress) {
		ReportThread reports = current;
		if (reports != null) {
			reports.report(progress);
		}
	}

	synchronized void callStarted(long id) {
		this.callId = id;
		this.pending = null;
		this.sentThisCall = false;
	}

	/**
	 * Sends the call's last report if it is still kept, on the call's thread, ahead of the answer.
	 * @return whether the call sent progress over the socket: its answer must then go there too, behind it
	 */
	synchronized boolean callEnded() {
		if (this.pending != null) {
			send(this.pending, System.nanoTime());
		}
		this.callId = 0;
		return this.sentThisCall;
	}

	private synchronized void report(Progress progress) {
		if (this.callId == 0) {
			return;
		}
		long now = System.nanoTime();
		if (!this.sentThisCall || now - this.lastSent >= PROGRESS_GAP_NANOS) {
			send(progress, now);
			return;
		}
		boolean wake = (this.pending == null);
		this.pending = progress;
		if (wake) {
			LockSupport.unpark(this.thread);
		}
	}

	/** Sends a report of the running call; under the lock, so reports leave in the order they were made. */
	private void send(Progress progress, long now) {
		this.pending = null;
		this.lastSent = now;
		this.sentThisCall = true;
		write(new Frame(FrameType.PROGRESS, this.callId, WorkerReports.progress(progress)));
	}

	private void run() {
		long nextFacts = System.nanoTime() + Math.min(this.factsNanos, FIRST_FACTS_NANOS);
		while (true) {
			long now = System.nanoTime();
			long wait = Long.MAX_VALUE;
			synchronized (this) {
				if (this.pending != null) {
					long due = this.lastSent + PROGRESS_GAP_NANOS - now;
					if (due <= 0) {
						send(this.pending, now);
					}
					else {
						wait = due;
					}
				}
			}
			if (this.factsNanos > 0) {
				if (now - nextFacts >= 0) {
					sendFacts();
					nextFacts = now + this.factsNanos;
				}
				wait = Math.min(wait, nextFacts - now);
			}
			if (wait == Long.MAX_VALUE) {
				LockSupport.park(this);
			}
			else {
				LockSupport.parkNanos(this, wait);
			}
		}
	}

	private void write(Frame frame) {
		try {
			this.channel.write(frame);
		}
		catch (IOException | RuntimeException ex) {
			// the parent is going or gone: its watch ends this worker
		}
	}

	private void sendFacts() {
		byte[] facts;
		try {
			facts = facts();
		}
		catch (RuntimeException ex) {
			// a bootstrap mode that cannot say when its context started: no facts this time, the next may come
			return;
		}
		write(new Frame(FrameType.FACTS, 0, facts));
	}

	private byte[] facts() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		MemoryUsage heap = memory.getHeapMemoryUsage();
		long gcCount = 0;
		long gcMillis = 0;
		List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
		for (GarbageCollectorMXBean collector : collectors) {
			gcCount += Math.max(0, collector.getCollectionCount());
			gcMillis += Math.max(0, collector.getCollectionTime());
		}
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
		RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
		Instant context = this.bootstrap.contextStarted();
		long contextMillis = (context != null) ? Math.max(0, System.currentTimeMillis() - context.toEpochMilli()) : -1;
		return WorkerReports.facts(heap.getUsed(), heap.getCommitted(), heap.getMax(), gcCount, gcMillis,
				threads.getThreadCount(), classes.getLoadedClassCount(), runtime.getUptime(), contextMillis);
	}

}

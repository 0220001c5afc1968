package dev.mp.internal.logging;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.helpers.SubstituteLoggerFactory;

import dev.mp.internal.wire.ProtocolException;
import dev.mp.spi.OutputTail;

/**
 * Where the engine meets worker log events, without touching Logback itself: the worker's forwarding, started where
 * Logback is there, and the parent's emitting of the events a worker sends, through Logback when it is the parent's
 * logging (see {@link LogbackEmitter}), through SLF4J's fluent API otherwise (see {@link Slf4jEmitter}).
 */
public final class LogEvents {

	/** Launch attribute that turns a worker's log events off (they stay text): {@code "false"}. */
	public static final String ENABLED_ATTRIBUTE = "mp.log-events.enabled";

	/** How long {@link #loggerFactory()} waits for another thread's initialization of SLF4J. */
	private static final long INITIALIZATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** See {@link #plainWorkerSender}. */
	private static volatile @Nullable LogEventSender plainWorkerSender;

	private LogEvents() {
	}

	/**
	 * Makes a worker's sender, to be given the connection.
	 * @param maxFrameBytes the frame limit
	 * @param plain whether this is a {@code plain} worker: its sender starts only when Logback's own initialization
	 * installs the forwarding, whenever the worker's code first logs (see {@link WorkerLogbackConfigurator}), and
	 * Logback is not looked for at the start (a class that is not there is looked for in every jar of the class path,
	 * which cost a plain worker's start about 10 ms); otherwise the sender starts now, if Logback is on the class path,
	 * and the caller installs the forwarding with {@link #install} once its bootstrap has configured logging
	 * @return the sender, or {@code null} for a worker that is not plain and has no Logback
	 */
	public static @Nullable LogEventSender workerSender(int maxFrameBytes, boolean plain) {
		if (plain) {
			LogEventSender sender = new LogEventSender(maxFrameBytes);
			plainWorkerSender = sender;
			return sender;
		}
		return logbackPresent() ? new LogEventSender(maxFrameBytes).start() : null;
	}

	/** The sender of this JVM's {@code plain} worker, or {@code null} in any other JVM. */
	static @Nullable LogEventSender plainWorkerSender() {
		return plainWorkerSender;
	}

	/** Takes the worker's Logback console appenders for the sender (see {@link LogbackForwarding}). */
	public static void install(LogEventSender sender) {
		LogbackForwarding.install(sender);
	}

	/**
	 * Emits the events of one {@link dev.mp.internal.wire.FrameType#LOG_EVENT} frame through the parent's logging,
	 * each with the worker's {@code mp.worker} and {@code mp.pid} in its MDC unless it has them, and adds each to the
	 * worker's output tail as a line.
	 * @param pid the worker's pid, or {@code null} where it has none here (a pod)
	 * @throws ProtocolException if the payload is not a series of events
	 */
	public static void emit(byte[] payload, String worker, @Nullable String pid, OutputTail tail) {
		ByteBuffer in = ByteBuffer.wrap(payload);
		while (in.hasRemaining()) {
			int length = (in.remaining() >= Integer.BYTES) ? in.getInt() : -1;
			if (length < 0 || length > in.remaining()) {
				throw new ProtocolException("An unreadable frame of log events");
			}
			LogEvent event = LogEventCodec.decode(in.slice(in.position(), length));
			in.position(in.position() + length);
			Map<String, String> mdc = new LinkedHashMap<>(event.mdc());
			mdc.putIfAbsent("mp.worker", worker);
			if (pid != null) {
				mdc.putIfAbsent("mp.pid", pid);
			}
			tail.add(Level.intToLevel(event.level()) + " " + event.loggerName() + " : " + event.message());
			try {
				Emitters.EMITTER.emit(event, mdc);
			}
			catch (RuntimeException ex) {
				// the parent's own logging failed (an appender of its own): the worker did nothing wrong
			}
		}
	}

	/**
	 * SLF4J's logger factory once it is made: a thread that asks while another is initializing SLF4J gets a stand-in
	 * (a {@link SubstituteLoggerFactory}), which would hide Logback from this thread for good; it waits for the real
	 * one instead, up to a few seconds.
	 */
	static ILoggerFactory loggerFactory() {
		ILoggerFactory factory = LoggerFactory.getILoggerFactory();
		long deadline = System.nanoTime() + INITIALIZATION_WAIT_NANOS;
		while (factory instanceof SubstituteLoggerFactory && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			factory = LoggerFactory.getILoggerFactory();
		}
		return factory;
	}

	static boolean logbackPresent() {
		try {
			Class.forName("ch.qos.logback.classic.LoggerContext", false, LogEvents.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/** Emits a worker's event in the parent. */
	interface Emitter {

		/** @param mdc the event's MDC, with mp's keys */
		void emit(LogEvent event, Map<String, String> mdc);

	}

	/** The parent's emitter, chosen once, on first use. */
	private static final class Emitters {

		static final Emitter EMITTER = choose();

		private static Emitter choose() {
			Emitter logback = logbackPresent() ? LogbackEmitter.ifLogback() : null;
			return (logback != null) ? logback : new Slf4jEmitter();
		}

	}

}

package dev.mp.internal.worker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.logging.LogEventSender;
import dev.mp.internal.logging.LogEvents;
import dev.mp.internal.mailbox.CallMailbox;
import dev.mp.internal.shm.ReceivingProcess;
import dev.mp.internal.transport.CallTransport;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.Throwables;
import dev.mp.spi.ChildBootstrap;
import dev.mp.spi.Codec;

/**
 * The child's side of the protocol: starts the bootstrap mode, connects and proves the secret, then answers frames
 * until told to stop. One thread reads the socket and runs each call itself, so no thread hand-off sits between a
 * call's arrival and its start or between its end and its answer: the parent sends a worker one call at a time.
 * Cancels come on stdin, which another thread watches anyway (see {@link ParentWatch}), so a running call can be
 * interrupted without a second reader of the socket. A pool worker that has just answered looks at its
 * {@link CallMailbox} for a moment before it reads the socket again: back-to-back calls then pass through shared
 * memory.
 */
final class ChildRuntime {

	private static final int EXIT_OK = 0;

	private static final int EXIT_FAILED = 1;

	/** How long a worker told to exit waits for its main thread to return before it forces the end (see exit). */
	private static final long EXIT_WAIT_MILLIS = 200;

	/** How long an answer waits for its caller to look, where callers look (see CallMailbox.answer). */
	private static final long CALLER_WAIT_NANOS = 10_000;

	private final BootstrapConfig config;

	private final Connector connector;

	private final WorkerCodec workerCodec;

	private final Codec codec;

	private final ClassLoader classLoader = Thread.currentThread().getContextClassLoader();


	/** The threads running calls, by call id; guarded by itself, so a cancel never interrupts a finished call. */
	private final Map<Long, Thread> running = new HashMap<>();

	/**
	 * Cancels of calls not started yet: stdin can overtake the socket. Call ids only grow, so an id above the last
	 * started one is a call still to come. Guarded by {@link #running}.
	 */
	private final Set<Long> cancelledEarly = new HashSet<>();

	private long lastStarted;

	private Thread parentWatch;

	/** The thread that runs {@link #run}, which returns to end the JVM with exit code 0 (see exit). */
	private Thread main;

	private ChildBootstrap bootstrap;

	/** Runs the calls, once the bootstrap has started. */
	private CallExecutor executor;

	private volatile FrameChannel channel;

	/** Sends the JVM's facts and the calls' progress, once connected. */
	private ReportThread reports;
	/** Sends the worker's log events to the parent; {@code null} where they stay text (see {@link #startLogEvents}). */
	private volatile @Nullable LogEventSender logEvents;

	/** The pool worker's shared-memory short cut for calls, or {@code null} (until it is mapped, or for good). */
	private volatile CallMailbox mailbox;

	/**
	 * The streamed call running or last run, which the parent's demand frames feed (see {@link #stream}); left in
	 * place when it ends, since the frame thread may already have put the next one here.
	 */
	private volatile @Nullable StreamSender stream;

	/** Frames read from the socket since the handshake; only the frame thread touches it. */
	private long framesRead;

	private volatile boolean exiting;

	/** Counted down when the worker is to end with exit code 0: the main thread then returns (see exit). */
	private final CountDownLatch ended = new CountDownLatch(1);

	/** @param codec the codec the bootstrap block names, being built (see {@link WorkerCodec#start}) */
	ChildRuntime(BootstrapConfig config, WorkerCodec codec) {
		this(config, codec, ChildRuntime::connectUnix);
	}

	/** A runtime that reaches its parent another way than the Unix socket (a remote worker: TLS). */
	ChildRuntime(BootstrapConfig config, WorkerCodec codec, Connector connector) {
		this.config = config;
		this.connector = connector;
		ChildIdentity.set(config);
		this.workerCodec = codec;
		this.codec = codec.codec();
		// queues and pipes this worker receives decode their messages the same way
		ReceivingProcess.use(this.codec, this.classLoader);
	}

	/**
	 * Connects and answers calls until the JVM ends, or returns when it is to end with exit code 0;
	 * {@code parentWatch} is the thread blocked on stdin.
	 */
	void run(Thread parentWatch) {
		this.parentWatch = parentWatch;
		this.main = Thread.currentThread();
		Runtime.getRuntime().addShutdownHook(new Thread(this::releaseNativeWaits, "mp-exit"));
		startLogEvents();
		this.bootstrap = startBootstrap();
		this.executor = new CallExecutor(this.codec, this.classLoader, this.bootstrap, this.config.maxFrameBytes());
		String disagreement = this.workerCodec.disagreement();
		if (disagreement != null) {
			System.err.println("mp worker: " + disagreement);
			System.exit(WorkerMain.EXIT_NO_CODEC);
			return;
		}
		try {
			this.channel = this.connector.connect(this.config, this::cancel);
		}
		catch (IOException | RuntimeException ex) {
			closeLogEvents();
			System.err.println("mp worker: cannot connect to the parent at " + this.config.socketPath() + ": " + ex);
			System.exit(WorkerMain.EXIT_NO_PARENT);
			return;
		}
		this.reports = ReportThread.start(this.channel, this.config.factsMillis(), this.bootstrap);
		LogEventSender sender = this.logEvents;
		if (sender != null) {
			sender.connected(this.channel);
		}
		Thread frames = new Thread(this::readFrames, "mp-call");
		frames.setDaemon(true);
		WorkerHalt.ifItFails(frames);
		frames.start();
		mapMailbox();
		HeapRegrowth.afterBoot();
		// main waits in Java, not in a native read, until exit() lets it return or the parent watch ends the JVM;
		// meanwhile, in a worker that regrew its heap, it hands back what idle time and past calls touched
		long idleCheck = HeapRegrowth.enabled() ? HeapRegrowth.idleCheckMillis() : 0;
		long startedAtCheck = -1;
		while (true) {
			try {
				if (idleCheck <= 0) {
					this.ended.await();
					return;
				}
				if (this.ended.await(idleCheck, TimeUnit.MILLISECONDS)) {
					return;
				}
				long started = lastStartedIfIdle();
				if (started >= 0 && started == startedAtCheck) {
					HeapRegrowth.trimWhenIdle();
				}
				startedAtCheck = started;
			}
			catch (InterruptedException ex) {
				// keep waiting
			}
		}
	}

	/** The id of the last call started, if none runs now; otherwise -1. */
	private long lastStartedIfIdle() {
		synchronized (this.running) {
			return this.running.isEmpty() ? this.lastStarted : -1;
		}
	}

	/** Reads frames and runs each call as it comes. */
	private void readFrames() {
		try {
			Frame frame;
			while ((frame = this.channel.read()) != null) {
				this.framesRead++;
				if (frame.type() == FrameType.STREAM_CALL) {
					stream(frame);
				}
				else if (frame.type() == FrameType.CALL || frame.type() == FrameType.COMPACT_CALL
						|| frame.type() == FrameType.CONTEXT_CALL || frame.type() == FrameType.STAGED) {
					callAndNext(frame);
				}
				else {
					handle(frame);
				}
			}
		}
		catch (ClosedByInterruptException ex) {
			if (!this.exiting) {
				// the thread reading the socket runs the calls: something a call left behind interrupted it
				System.err.println("mp worker: the thread that runs calls was interrupted while it waited for the "
						+ "next one, which closes the socket (does a task keep and interrupt its thread?)");
				exit(EXIT_FAILED);
			}
			return;
		}
		catch (IOException | RuntimeException ex) {
			if (this.exiting) {
				return;
			}
			System.err.println("mp worker: connection to the parent failed: " + Throwables.describe(ex));
		}
		if (!this.exiting) {
			ParentWatch.parentGone("socket closed");
		}
	}

	/**
	 * Maps the mailbox once connected, while the call thread already reads: the first use of a mailbox builds the
	 * VarHandles over shared memory, which neither the way to ready nor a first call need wait for. Calls use the
	 * socket until it is mapped; the parent stages none before the mailbox says so, once this runtime holds it.
	 */
	private void mapMailbox() {
		if (this.config.mailbox().isEmpty()) {
			return;
		}
		try {
			CallMailbox box = CallMailbox.open(Path.of(this.config.mailbox()));
			this.mailbox = box;
			box.announceMapped();
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("mp worker: no call mailbox, every call uses the socket: " + ex);
		}
	}

	/** Runs a call, then the calls posted to the mailbox while this worker looks at it. */
	private void callAndNext(Frame first) {
		Frame next = first;
		while (next != null) {
			call(next);
			CallMailbox box = this.mailbox;
			next = (box != null) ? box.awaitCall(this.config.spinNanos(), this.framesRead) : null;
		}
	}

	/**
	 * The JVM waits up to 300 ms at exit for threads blocked in native reads; the frame loop and the stdin watch are
	 * two, so an orderly exit (ours or the user's {@code System.exit}) wakes them first.
	 */
	private void releaseNativeWaits() {
		this.exiting = true;
		closeLogEvents();
		this.parentWatch.interrupt();
		FrameChannel open = this.channel;
		if (open != null) {
			try {
				open.close();
			}
			catch (IOException ex) {
				// exiting anyway
			}
		}
	}

	/**
	 * Takes the worker's Logback console output as events for the parent, unless its parent turned that off, or this
	 * is a training child (whose rehearsal parent expects no such frames). In a {@code plain} worker Logback's own
	 * initialization installs it, whenever the worker's code first logs; other modes configure logging themselves,
	 * and have it installed once they have (see {@link #takeLogEvents}).
	 */
	private void startLogEvents() {
		if ("false".equals(this.config.modeAttributes().get(LogEvents.ENABLED_ATTRIBUTE))
				|| System.getProperty(WorkerMain.TRAIN_PROPERTY) != null) {
			return;
		}
		boolean plain = PlainBootstrap.MODE.equals(this.config.mode());
		this.logEvents = LogEvents.workerSender(this.config.maxFrameBytes(), plain);
	}

	/** Takes the worker's log events once its bootstrap has configured logging (a plain worker's are taken already). */
	private void takeLogEvents() {
		LogEventSender sender = this.logEvents;
		if (sender != null && !PlainBootstrap.MODE.equals(this.config.mode())) {
			LogEvents.install(sender);
		}
	}

	/** Sends the log events still queued, or prints them where the worker never connected. */
	private void closeLogEvents() {
		LogEventSender sender = this.logEvents;
		if (sender != null) {
			sender.close(System.out);
		}
	}

	private ChildBootstrap startBootstrap() {
		ChildBootstrap chosen = null;
		if (PlainBootstrap.MODE.equals(this.config.mode())) {
			chosen = new PlainBootstrap();
		}
		else {
			for (ChildBootstrap candidate : ServiceLoader.load(ChildBootstrap.class, this.classLoader)) {
				if (candidate.mode().equals(this.config.mode())) {
					chosen = candidate;
				}
			}
		}
		if (chosen == null) {
			System.err.println("mp worker: no bootstrap mode '" + this.config.mode() + "' on the class path");
			System.exit(WorkerMain.EXIT_BOOTSTRAP_FAILED);
		}
		try {
			chosen.start(this.config.modeAttributes(), this::takeLogEvents);
		}
		catch (Throwable ex) {
			// the events of the failed start, as text: there is no connection to send them through
			closeLogEvents();
			ex.printStackTrace();
			// last, so that it ends the output tail the parent reports
			Throwable root = ex;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			System.err.println("mp worker: bootstrap mode '" + this.config.mode() + "' failed to start: " + root);
			System.exit(WorkerMain.EXIT_BOOTSTRAP_FAILED);
		}
		return chosen;
	}

	private static FrameChannel connectUnix(BootstrapConfig config, LongConsumer cancels) throws IOException {
		SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
		socket.connect(UnixDomainSocketAddress.of(config.socketPath()));
		FrameChannel frames = new FrameChannel(socket, config.maxFrameBytes());
		proveSecret(frames, config);
		return frames;
	}

	/** Answers the parent's challenge with the HMAC of its nonce and this worker's id. */
	static void proveSecret(FrameChannel frames, BootstrapConfig config) throws IOException {
		proveSecret(frames, frames, config);
	}

	/** The same, reading the challenge from one channel and answering on another over the same connection. */
	static void proveSecret(FrameChannel reads, FrameChannel writes, BootstrapConfig config) throws IOException {
		Frame challenge = reads.read();
		if (challenge == null || challenge.type() != FrameType.HELLO) {
			throw new IOException("the parent sent no challenge");
		}
		byte[] proof = Handshake.proof(config.secret(), challenge.payload(), config.workerId());
		writes.write(new Frame(FrameType.HELLO, 0, Handshake.hello(config.workerId(), proof)));
	}

	/** Opens the connection to the parent and proves the secret. */
	@FunctionalInterface
	interface Connector {

		/**
		 * @param cancels takes the ids of calls the parent cancels, where they come on the connection
		 * @return the connection, past the handshake
		 */
		FrameChannel connect(BootstrapConfig config, LongConsumer cancels) throws IOException;

	}

	private void handle(Frame frame) throws IOException {
		switch (frame.type()) {
			case PING -> this.channel.write(Frame.of(FrameType.PONG, frame.correlationId()));
			case SHUTDOWN -> exit(EXIT_OK);
			case DEMAND -> {
				StreamSender running = this.stream;
				if (running != null && running.callId() == frame.correlationId()) {
					running.grant(ByteBuffer.wrap(frame.payload()).getInt());
				}
			}
			default -> throw new IOException("Unexpected " + frame.type() + " frame from the parent");
		}
	}

	/** Interrupts a call, now if it runs, or as it starts if it has not arrived yet. Called by the stdin watch. */
	void cancel(long id) {
		synchronized (this.running) {
			Thread call = this.running.get(id);
			if (call != null) {
				call.interrupt();
			}
			else if (id > this.lastStarted) {
				this.cancelledEarly.add(id);
			}
		}
	}

	/**
	 * Runs a streamed call on a thread of its own, so that this frame thread goes on reading the socket for the
	 * parent's demand; the parent sends this worker no other call until the stream has answered.
	 */
	private void stream(Frame frame) {
		ByteBuffer payload = ByteBuffer.wrap(frame.payload());
		int window = payload.getInt();
		FrameType type = FrameType.of(payload.get());
		byte[] call = new byte[payload.remaining()];
		payload.get(call);
		StreamSender sender = new StreamSender(frame.correlationId(), window, this.channel, this.codec,
				this.running);
		this.stream = sender;
		Thread streaming = new Thread(() -> call(new Frame(type, frame.correlationId(), call), sender), "mp-stream");
		streaming.setDaemon(true);
		WorkerHalt.ifItFails(streaming);
		streaming.start();
	}

	private void call(Frame request) {
		call(request, null);
	}

	/** @param stream sends the elements of a streamed call, or {@code null} */
	private void call(Frame request, @Nullable StreamSender stream) {
		long id = request.correlationId();
		synchronized (this.running) {
			this.running.put(id, Thread.currentThread());
			this.lastStarted = id;
			if (this.cancelledEarly.remove(id)) {
				Thread.currentThread().interrupt();
			}
			// calls reach a worker in order of id, so a cancel for an id passed over is for a call never sent
			this.cancelledEarly.removeIf((early) -> early < id);
		}
		// a process waits for the threads its body starts, not for those mp or the application's context had before
		Set<Thread> bodyThreads = (this.config.end() == WorkerEnd.AFTER_ANSWER_AND_THREADS) ? BodyThreads.nonDaemon()
				: null;
		LogEventSender sender = this.logEvents;
		CallExecutor.Answer answer;
		this.reports.callStarted(id);
		boolean reportedProgress;
		try {
			answer = (bodyThreads != null) ? answerOnBodyThread(id, request)
					: this.executor.answer(request, this.mailbox, stream);
		}
		catch (Throwable ex) {
			// not even the bare facts of a failure could be encoded (out of memory): the caller must not wait for ever
			WorkerHalt.cannotAnswer(ex);
			return;
		}
		finally {
			reportedProgress = this.reports.callEnded();
			synchronized (this.running) {
				this.running.remove(id);
			}
			// a cancel that came as the call ended must not reach this thread's next work
			Thread.interrupted();
		}
		if (sender != null) {
			// the call's events sent before its answer (a mailbox answer may still reach the caller first)
			sender.flush();
		}
		try {
			if (this.workerCodec.builtUntold()) {
				this.channel.write(Frame.of(FrameType.CODEC_BUILT, 0));
			}
			// behind the call's progress or elements on the socket, so that its caller has them all before the answer
			long callerWait = (reportedProgress || stream != null) ? -1
					: Math.min(CALLER_WAIT_NANOS, this.config.spinNanos());
			// a stream's thread does not look at the mailbox after it, so its answer must not open the inbox there
			CallTransport.sendAnswer(this.channel, (stream != null) ? null : this.mailbox, answer.type(), id,
					answer.payload(), this.config.maxFrameBytes(), callerWait);
		}
		catch (IOException ex) {
			ParentWatch.parentGone("cannot answer: " + ex);
		}
		catch (RuntimeException ex) {
			// the codec caps sizes, so this is a bug; the exit code tells the caller rather than leaving it waiting
			WorkerHalt.cannotAnswer(ex);
		}
		this.workerCodec.answered();
		if (this.config.end().oneShot()) {
			if (bodyThreads != null) {
				BodyThreads.awaitStartedSince(bodyThreads);
			}
			exit(answer.type() == FrameType.FAILURE ? EXIT_FAILED : EXIT_OK);
		}
	}

	/**
	 * Runs a process's body on a thread that is not a daemon, as a Java {@code main} is, so that the threads the body
	 * starts are not daemons either unless it says so; cancels reach that thread.
	 */
	private CallExecutor.Answer answerOnBodyThread(long id, Frame request) throws Throwable {
		CallExecutor.Answer[] answer = new CallExecutor.Answer[1];
		Throwable[] failure = new Throwable[1];
		Thread body = new Thread(() -> {
			try {
				answer[0] = this.executor.answer(request, this.mailbox, null);
			}
			catch (Throwable ex) {
				failure[0] = ex;
			}
		}, this.config.name());
		// made by a daemon, it would be one
		body.setDaemon(false);
		synchronized (this.running) {
			this.running.put(id, body);
			if (Thread.interrupted()) {
				// cancelled before it started
				body.interrupt();
			}
		}
		body.start();
		boolean interrupted = false;
		while (true) {
			try {
				body.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		if (failure[0] != null) {
			throw failure[0];
		}
		return answer[0];
	}

	/**
	 * Ends the worker; called on the thread that reads frames. Exit code 0 is the end of any program that is done: the
	 * main thread returns and the JVM runs its shutdown hooks and exits, without {@code System.exit}, which on Java 21
	 * and later first looks up a {@code System.Logger} for a debug record of the call: a service look-up through every
	 * jar of the class path and {@code java.util.logging} set up, tens of milliseconds on each worker's way out. Only
	 * where that end cannot come (a thread that is not a daemon, left running by a task, or a main thread that does
	 * not return in time) is the exit forced.
	 */
	private void exit(int code) {
		System.out.flush();
		System.err.flush();
		this.bootstrap.close();
		if (code == EXIT_OK) {
			this.ended.countDown();
			try {
				this.main.join(EXIT_WAIT_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (!this.main.isAlive() && BodyThreads.nonDaemon().isEmpty()) {
				// the JVM ends on its own (as a training child's does, writing its archive); this daemon waits for it
				while (true) {
					LockSupport.park();
				}
			}
		}
		System.exit(code);
	}

}

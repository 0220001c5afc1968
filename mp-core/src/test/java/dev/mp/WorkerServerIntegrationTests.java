package dev.mp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.mp.internal.server.TlsDoor;
import dev.mp.internal.server.WorkerServer;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.spi.RemoteAccess;
import dev.mp.test.FileBootstrapLauncher;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Connections that never prove themselves cost the parent almost nothing, on the Unix socket and on the TLS door for
 * remote workers: a flood of them takes a handful of threads, a real worker still starts and connects during it, and
 * what they claim reaches the log only as quoted data.
 */
@ExtendWith(NoChildProcessesLeft.class)
class WorkerServerIntegrationTests {

	private static final int FLOOD = 1000;

	/** Connections a flood running while a worker starts opens at most, one every few milliseconds. */
	private static final int STEADY_FLOOD = 3000;

	@TempDir
	Path directory;

	private final ProcessTemplate template = new ProcessTemplate();

	private final List<AutoCloseable> flood = new ArrayList<>();

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	private final Logger serverLog = (Logger) LoggerFactory.getLogger(WorkerServer.class);

	private Level serverLevel;

	@BeforeEach
	void captureLog() {
		this.events.start();
		this.serverLevel = this.serverLog.getLevel();
		this.serverLog.setLevel(Level.DEBUG);
		this.serverLog.addAppender(this.events);
	}

	@AfterEach
	void close() throws Exception {
		this.serverLog.detachAppender(this.events);
		this.serverLog.setLevel(this.serverLevel);
		synchronized (this.flood) {
			for (AutoCloseable connection : this.flood) {
				connection.close();
			}
		}
		this.template.close();
	}

	static long pid() {
		return ProcessHandle.current().pid();
	}

	@Test
	@Timeout(180)
	void aThousandSilentConnectionsToTheSocketTakeNoThreadsAndAWorkerStillStarts() throws Exception {
		this.template.pool("first", PoolOptions.builder().size(1).build()).submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		long threadsBefore = handshakeThreads();
		UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(this.template.runtime().server().socketPath());
		for (int i = 0; i < FLOOD; i++) {
			SocketChannel connection = SocketChannel.open(StandardProtocolFamily.UNIX);
			this.flood.add(connection);
			connection.connect(socket);
		}
		// the parent has taken each one: it sent each its challenge
		for (AutoCloseable connection : this.flood) {
			assertThat(((SocketChannel) connection).read(ByteBuffer.allocate(1))).isOne();
		}
		assertThat(this.template.runtime().server().unproven()).isLessThanOrEqualTo(WorkerServer.MAX_PENDING);
		assertThat(handshakeThreads()).isLessThanOrEqualTo(threadsBefore);
		// some were dropped for newer ones
		await().atMost(Duration.ofSeconds(30)).until(() -> closedByTheServer() >= FLOOD - WorkerServer.MAX_PENDING);
		long worker = this.template.pool("second", PoolOptions.builder().size(1).build())
			.submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		assertThat(worker).isNotEqualTo(pid());
	}

	@Test
	@Timeout(180)
	void aThousandSilentConnectionsToTheTlsDoorTakeNoThreadsAndARemoteWorkerStillStarts() throws Exception {
		FileBootstrapLauncher launcher = new FileBootstrapLauncher("files", this.directory, Duration.ofSeconds(5),
				(config, secrets) -> {
				});
		ProcessTemplate remote = ProcessTemplate.builder().launcher(launcher).build();
		this.flood.add(remote);
		remote.pool("first", PoolOptions.builder().size(1).launcher("files").build())
			.submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		long threadsBefore = handshakeThreads();
		RemoteEndpoint endpoint = remote.runtime().server().remoteEndpoint(launcher.remoteAccess());
		for (int i = 0; i < FLOOD; i++) {
			Socket connection = new Socket();
			this.flood.add(connection);
			connection.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 10_000);
		}
		assertThat(remote.runtime().server().unproven())
			.isLessThanOrEqualTo(WorkerServer.MAX_PENDING + TlsDoor.MAX_HANDSHAKES);
		assertThat(handshakeThreads() - threadsBefore).isLessThanOrEqualTo(TlsDoor.MAX_HANDSHAKES);
		long worker = remote.pool("second", PoolOptions.builder().size(1).launcher("files").build())
			.submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		assertThat(worker).isNotEqualTo(pid());
	}

	/**
	 * Silent connections keep coming while a remote worker starts: they wait without a thread, so they never take
	 * the place of the worker's TLS handshake, even though a cold JVM takes a while to send its first TLS bytes.
	 */
	@Test
	@Timeout(180)
	void aRemoteWorkerStartsWhileSilentConnectionsKeepComing() throws Exception {
		aRemoteWorkerStartsWhileConnectionsKeepComing(new byte[0]);
	}

	/**
	 * Connections sending a byte each keep coming while a remote worker starts: they do not begin a TLS handshake,
	 * so they take no handshake thread and never drop the worker's handshake.
	 */
	@Test
	@Timeout(180)
	void aRemoteWorkerStartsWhileConnectionsSendingAByteKeepComing() throws Exception {
		aRemoteWorkerStartsWhileConnectionsKeepComing(new byte[] { 22 });
	}

	private void aRemoteWorkerStartsWhileConnectionsKeepComing(byte[] firstBytes) throws Exception {
		FileBootstrapLauncher launcher = new FileBootstrapLauncher("files", this.directory, Duration.ofSeconds(5),
				(config, secrets) -> {
				});
		ProcessTemplate remote = ProcessTemplate.builder().launcher(launcher).build();
		this.flood.add(remote);
		remote.pool("first", PoolOptions.builder().size(1).launcher("files").build())
			.submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		long threadsBefore = handshakeThreads();
		RemoteEndpoint endpoint = remote.runtime().server().remoteEndpoint(launcher.remoteAccess());
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		ScheduledExecutorService flooder = Executors.newSingleThreadScheduledExecutor();
		this.flood.add(flooder::shutdownNow);
		flooder.scheduleAtFixedRate(() -> {
			if (opened.get() + failed.get() >= STEADY_FLOOD) {
				return;
			}
			Socket connection = new Socket();
			synchronized (this.flood) {
				this.flood.add(connection);
			}
			try {
				connection.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 10_000);
				connection.getOutputStream().write(firstBytes);
				opened.incrementAndGet();
			}
			catch (IOException ex) {
				// counted rather than thrown: that would end the flood quietly
				failed.incrementAndGet();
			}
		}, 0, 5, TimeUnit.MILLISECONDS);
		long worker = remote.pool("second", PoolOptions.builder().size(1).launcher("files").build())
			.submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		assertThat(worker).isNotEqualTo(pid());
		flooder.shutdownNow();
		assertThat(flooder.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(opened).as("connections opened while the worker started (%s failed)", failed)
			.hasValueGreaterThan(10);
		assertThat(remote.runtime().server().unproven())
			.isLessThanOrEqualTo(WorkerServer.MAX_PENDING + TlsDoor.MAX_HANDSHAKES);
		assertThat(handshakeThreads() - threadsBefore).isLessThanOrEqualTo(TlsDoor.MAX_HANDSHAKES);
	}

	/**
	 * A worker whose proven connection gets no thread (none can be created) fails to start at once, with the reason,
	 * and the server goes on accepting: the next worker starts.
	 */
	@Test
	@Timeout(180)
	void aWorkerWhoseConnectionGetsNoThreadFailsToStartAndTheNextOneStarts() throws Exception {
		AtomicBoolean failed = new AtomicBoolean();
		this.template.runtime().server().connectedThreads((task) -> {
			Thread thread = failed.compareAndSet(false, true) ? new Thread(task) {

				@Override
				public void start() {
					throw new OutOfMemoryError("unable to create native thread (made up by the test)");
				}

			} : new Thread(task);
			thread.setDaemon(true);
			return thread;
		});
		ProcessOptions options = ProcessOptions.builder().startTimeout(Duration.ofSeconds(60)).build();
		ManagedProcess unlucky = this.template.process(() -> {
		}).options(options).start();
		assertThatThrownBy(unlucky::join).isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("could not take its connection")
			.hasMessageContaining("made up by the test");
		long worker = this.template.pool("next", PoolOptions.builder().size(1).build())
			.submit(WorkerServerIntegrationTests::pid)
			.get(60, TimeUnit.SECONDS);
		assertThat(worker).isNotEqualTo(pid());
	}

	@Test
	void aTlsDoorThatCannotOpenFailsWithTheFactsAndKeepsNoPort() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
		try {
			WorkerServer server = new WorkerServer(this.directory, 1024, scheduler);
			// its selector closed, so the door cannot register once its port is bound
			server.close();
			RemoteAccess access = new RemoteAccess("127.0.0.1", port, "127.0.0.1", Duration.ofSeconds(1),
					Duration.ofSeconds(5));
			assertThatThrownBy(() -> server.remoteEndpoint(access)).isInstanceOf(MpException.class)
				.hasMessageContaining("127.0.0.1:" + port);
			try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				assertThat(again.getLocalPort()).as("the port, let go").isEqualTo(port);
			}
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	@Test
	void aForgedWorkerIdReachesTheLogOnlyAsQuotedData() throws Exception {
		String forged = "w1\n03:00:00.000 INFO  dev.mp.internal.parent.ChildJvm - worker w1 connected\u001b[2J";
		try (SocketChannel connection = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			connection.connect(UnixDomainSocketAddress.of(this.template.runtime().server().socketPath()));
			FrameChannel frames = new FrameChannel(connection, 1024);
			Frame challenge = frames.read();
			frames.write(new Frame(FrameType.HELLO, 0,
					Handshake.hello(forged, Handshake.proof(Handshake.randomBytes(), challenge.payload(), forged))));
			assertThat(frames.read()).as("the parent's answer to a forged HELLO").isNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !refusals().isEmpty());
		assertThat(refusals()).singleElement()
			.satisfies((message) -> assertThat(message).doesNotContain("\n", "\u001b", forged)
				.contains("claimed to be \"w1\\u000a03:00:00.000 INFO  dev.mp.internal.parent.ChildJvm - worker w1 connected"
						+ "\\u001b[2J\""));
	}

	@Test
	void unprovenInputIsEscapedAndCutShort() {
		assertThat(WorkerServer.printable("w-1 \"quoted\" back\\slash")).isEqualTo("w-1 \\\"quoted\\\" back\\\\slash");
		assertThat(WorkerServer.printable("caf\u00e9\u2028\r")).isEqualTo("caf\\u00e9\\u2028\\u000d");
		assertThat(WorkerServer.printable("x".repeat(5000))).isEqualTo("x".repeat(200) + "... (5000 chars)");
		assertThat(WorkerServer.printable("x".repeat(200))).isEqualTo("x".repeat(200));
	}

	@Test
	void aFloodOfRefusalsLogsOneWarning() throws Exception {
		UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(this.template.runtime().server().socketPath());
		for (int i = 0; i < 20; i++) {
			try (SocketChannel connection = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				connection.connect(socket);
				FrameChannel frames = new FrameChannel(connection, 1024);
				frames.read();
				frames.write(Frame.of(FrameType.PING, 0));
				assertThat(frames.read()).isNull();
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> refusals().size() == 20);
		assertThat(List.copyOf(this.events.list)).filteredOn((event) -> event.getLevel() == Level.WARN)
			.singleElement()
			.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("PING rather than HELLO"));
	}

	private List<String> refusals() {
		return List.copyOf(this.events.list)
			.stream()
			.map(ILoggingEvent::getFormattedMessage)
			.filter((message) -> message.startsWith("Refused"))
			.toList();
	}

	/** How many of the flood's Unix socket connections the server has closed, reading what it sent them. */
	private int closedByTheServer() throws IOException {
		int closed = 0;
		for (AutoCloseable connection : this.flood) {
			SocketChannel channel = (SocketChannel) connection;
			if (channel.isBlocking()) {
				channel.configureBlocking(false);
			}
			if (channel.read(ByteBuffer.allocate(1024)) < 0) {
				closed++;
			}
		}
		return closed;
	}

	/** Handshake threads of every door in this JVM: a test compares counts, as other doors' may linger a while. */
	private static long handshakeThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("mp-handshake"))
			.count();
	}

}

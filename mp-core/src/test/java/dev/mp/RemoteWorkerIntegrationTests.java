package dev.mp;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.launch.RemoteWorkerCommand;
import dev.mp.internal.parent.ChildJvm;
import dev.mp.internal.wire.Frame;
import dev.mp.internal.wire.FrameChannel;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Handshake;
import dev.mp.internal.wire.Tls;
import dev.mp.internal.worker.BootstrapConfig;
import dev.mp.internal.worker.RemoteBootstrap;
import dev.mp.internal.worker.RemoteEndpoint;
import dev.mp.internal.worker.WorkerEnd;
import dev.mp.internal.worker.WorkerMain;
import dev.mp.test.FileBootstrapLauncher;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Remote workers end to end without a cluster: real worker JVMs started with the remote worker command, bootstrapped
 * from files, connecting back over TCP with TLS and the HMAC handshake, as a pod does.
 */
@ExtendWith(NoChildProcessesLeft.class)
class RemoteWorkerIntegrationTests {

	@TempDir
	Path directory;

	private ProcessTemplate template;

	@AfterEach
	void close() {
		if (this.template != null) {
			this.template.close();
		}
	}

	private ProcessPool pool(BiConsumer<Path, Path> tamper) {
		this.template = ProcessTemplate.builder()
			.launcher(new FileBootstrapLauncher("files", this.directory, Duration.ofSeconds(5), tamper))
			.build();
		return this.template.pool("remote", PoolOptions.builder().size(1).launcher("files").build());
	}

	static long pid() {
		return ProcessHandle.current().pid();
	}

	static Object sleepLong() throws InterruptedException {
		Thread.sleep(60_000);
		return null;
	}

	static Object halt() {
		Runtime.getRuntime().halt(3);
		return null;
	}

	@Test
	void aStreamLongerThanItsWindowReachesTheEndAndACancelledOneFreesTheWorker() throws Exception {
		ProcessPool pool = pool((config, secrets) -> {
		});
		// the parent's demand crosses the TLS connection while the worker streams
		PoolStreamIntegrationTests.Recorder<Integer> numbers = new PoolStreamIntegrationTests.Recorder<>();
		pool.stream(() -> IntStream.rangeClosed(1, 10).boxed(), 2).subscribe(numbers);
		numbers.request(Long.MAX_VALUE);
		numbers.end.get(60, TimeUnit.SECONDS);
		assertThat(numbers.elements).containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
		long workerPid = pool.workers().get(0).pid();
		PoolStreamIntegrationTests.Recorder<Integer> endless = new PoolStreamIntegrationTests.Recorder<>();
		pool.stream(() -> IntStream.iterate(1, (i) -> i + 1).boxed(), 2).subscribe(endless);
		endless.request(1);
		await().atMost(Duration.ofSeconds(60)).until(() -> endless.elements.size() == 1);
		endless.subscription.cancel();
		assertThat(pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isEqualTo(workerPid);
	}

	@Test
	void callsRunInARemoteWorkerThatHoldsNoSecretInItsCommand() throws Exception {
		ProcessPool pool = pool((config, secrets) -> {
		});
		long workerPid = pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		assertThat(workerPid).isNotEqualTo(pid());
		List<Integer> items = IntStream.range(0, 200).boxed().toList();
		assertThat(pool.map((Integer i) -> i * 2, items, 20)).containsExactlyElementsOf(
				items.stream().map((i) -> i * 2).toList());
		ChildProcess worker = pool.workers().get(0);
		assertThat(worker.launcher()).isEqualTo("files");
		// its parent runs on another machine, as far as the worker can tell
		assertThat(pool.submit(() -> CurrentProcess.name() + " " + CurrentProcess.parent().isPresent())
			.get(60, TimeUnit.SECONDS)).isEqualTo(worker.name() + " false");
		String command = String.join(" ", ((ChildJvm) worker).command());
		assertThat(command).contains("dev.mp.internal.worker.RemoteWorkerMain");
		byte[] secret = ((ChildJvm) worker).start().secret();
		assertThat(command).doesNotContain(HexFormat.of().formatHex(secret));
		String config = Files.readString(Path.of(worker.details().get("config")));
		assertThat(config).doesNotContain(HexFormat.of().formatHex(secret)).contains("server-sha256");
	}

	/** A remote worker tells its JVM's facts and its call's progress over its TLS connection, as a local one does. */
	@Test
	void aRemoteWorkerTellsItsJvmFactsAndProgress() throws Exception {
		ProcessPool pool = pool((config, secrets) -> {
		});
		List<Progress> heard = new CopyOnWriteArrayList<>();
		TaskFuture<String> task = TaskFuture.of(pool.submit(() -> {
			CurrentProcess.progress(1, 1, "remote");
			return "ok";
		})).onProgress(heard::add);
		assertThat(task.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
		await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(new Progress(1, 1, "remote")));
		ChildProcess worker = pool.workers().get(0);
		// the first facts come within a second of the connection
		JvmFacts facts = await().atMost(Duration.ofSeconds(10)).until(worker::jvm, Optional::isPresent).orElseThrow();
		assertThat(facts.threads()).isPositive();
		assertThat(facts.heapUsed()).isPositive();
	}

	/** What a remote worker prints reaches the parent's log as a local worker's does, and its output tail. */
	@Test
	void whatARemoteWorkerPrintsIsLoggedByTheParentAndKeptInItsTail() throws Exception {
		ListAppender<ILoggingEvent> events = new ListAppender<>();
		events.start();
		Logger workerLog = (Logger) LoggerFactory.getLogger("dev.mp.worker.remote");
		workerLog.addAppender(events);
		try {
			ProcessPool pool = pool((config, secrets) -> {
			});
			assertThat(pool.submit(RemoteWorkerIntegrationTests::speak).get(60, TimeUnit.SECONDS)).isEqualTo(1);
			ChildProcess worker = pool.workers().get(0);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(List.copyOf(events.list))
				.anySatisfy((event) -> {
					assertThat(event.getLevel()).isEqualTo(Level.INFO);
					assertThat(event.getFormattedMessage()).isEqualTo("[" + worker.name() + "] report ready");
					assertThat(event.getMDCPropertyMap()).containsEntry("mp.worker", worker.name());
				})
				.anySatisfy((event) -> {
					assertThat(event.getLevel()).isEqualTo(Level.WARN);
					assertThat(event.getFormattedMessage()).isEqualTo("[" + worker.name() + "] disk almost full");
				}));
			assertThat(worker.outputTail()).contains("report ready", "disk almost full");
		}
		finally {
			workerLog.detachAppender(events);
		}
	}

	/** A remote worker's log events reach the parent as events too, over its TLS connection. */
	@Test
	void aRemoteWorkersLogEventsReachTheParentAsEvents() throws Exception {
		ListAppender<ILoggingEvent> events = new ListAppender<>();
		events.start();
		Logger logger = (Logger) LoggerFactory.getLogger(RemoteWorkerIntegrationTests.class);
		logger.addAppender(events);
		try {
			ProcessPool pool = pool((config, secrets) -> {
			});
			assertThat(pool.submit(RemoteWorkerIntegrationTests::logWarning).get(60, TimeUnit.SECONDS)).isEqualTo(1);
			ChildProcess worker = pool.workers().get(0);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(List.copyOf(events.list))
				.singleElement()
				.satisfies((event) -> {
					assertThat(event.getLevel()).isEqualTo(Level.WARN);
					assertThat(event.getFormattedMessage()).isEqualTo("queue almost full");
					assertThat(event.getMDCPropertyMap()).containsEntry("mp.worker", worker.name());
				}));
		}
		finally {
			logger.detachAppender(events);
		}
	}

	static int logWarning() {
		LoggerFactory.getLogger(RemoteWorkerIntegrationTests.class).warn("queue almost full");
		return 1;
	}

	static int speak() {
		System.out.println("report ready");
		System.err.println("disk almost full");
		return 1;
	}

	@Test
	void aCancelTravelsAsAFrameAndTheWorkerStays() throws Exception {
		ProcessPool pool = pool((config, secrets) -> {
		});
		long workerPid = pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		CompletableFuture<Object> sleeping = pool.submit(RemoteWorkerIntegrationTests::sleepLong);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.workers().stream().anyMatch((w) -> w.state() == ProcessState.BUSY));
		sleeping.cancel(true);
		assertThatThrownBy(sleeping::get).isInstanceOf(CancellationException.class);
		assertThat(pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isEqualTo(workerPid);
	}

	@Test
	void aCrashFailsItsTaskWithTheExitCodeAndTheWorkerIsReplaced() throws Exception {
		ProcessPool pool = pool((config, secrets) -> {
		});
		long first = pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		assertThatThrownBy(() -> pool.submit(RemoteWorkerIntegrationTests::halt).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessDiedException.class,
					(ex) -> assertThat(ex.exitCode()).hasValue(3));
		assertThat(pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isNotEqualTo(first);
	}

	@Test
	void aWorkerWithTheWrongSecretIsRefused() {
		ProcessPool pool = pool((config, secrets) -> write(secrets.resolve(RemoteBootstrap.SECRET_FILE),
				Handshake.randomBytes()));
		assertThatThrownBy(() -> pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("parent is gone");
	}

	/** Each worker proves a secret of its own: one that has another worker's secret is refused. */
	@Test
	void aWorkerWithAnotherWorkersSecretIsRefused() throws Exception {
		AtomicReference<Path> first = new AtomicReference<>();
		ProcessPool pool = pool((config, secrets) -> {
			if (!first.compareAndSet(null, secrets)) {
				write(secrets.resolve(RemoteBootstrap.SECRET_FILE),
						read(first.get().resolve(RemoteBootstrap.SECRET_FILE)));
			}
		});
		assertThat(pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).isNotEqualTo(pid());
		ChildProcess worker = pool.workers().get(0);
		worker.kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> !pool.workers().contains(worker));
		assertThatThrownBy(() -> pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOf(ProcessStartException.class)
			.hasMessageContaining("parent is gone");
	}

	@Test
	void aWorkerPinnedToAnotherParentCertificateDoesNotConnect() {
		ProcessPool pool = pool((config, secrets) -> {
			try {
				Files.writeString(config, Files.readString(config).replaceAll("server-sha256=\\w+",
						"server-sha256=" + Tls.selfSigned("impostor", Duration.ofDays(1)).fingerprint()));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThatThrownBy(() -> pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(ProcessStartException.class,
					(ex) -> assertThat(ex.exitCode()).hasValue(WorkerMain.EXIT_NO_PARENT))
			.hasMessageContaining("is not the one pinned");
	}

	@Test
	void aClientWithAnotherCertificateIsRefusedByTheParent() throws Exception {
		ProcessPool pool = pool((config, secrets) -> {
		});
		pool.submit(RemoteWorkerIntegrationTests::pid).get(60, TimeUnit.SECONDS);
		RemoteEndpoint endpoint = this.template.runtime().server()
			.remoteEndpoint(new FileBootstrapLauncher("files", this.directory, Duration.ofSeconds(5), (c, s) -> {
			}).remoteAccess());
		Tls.Identity stranger = Tls.selfSigned("mp worker", Duration.ofDays(1));
		try (SSLSocket socket = (SSLSocket) Tls.context(stranger, endpoint.serverFingerprint())
			.getSocketFactory()
			.createSocket()) {
			socket.setEnabledProtocols(Tls.protocols());
			socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 10_000);
			socket.setSoTimeout(10_000);
			// TLS 1.3 finishes the client's side first; the parent's refusal shows on the first read
			assertThatThrownBy(() -> {
				socket.startHandshake();
				if (socket.getInputStream().read() == -1) {
					throw new IOException("closed by the parent");
				}
			}).isInstanceOf(IOException.class);
		}
	}

	@Test
	void aWorkerWhoseParentFallsSilentExitsAfterItsGrace() throws Exception {
		Tls.Identity parent = Tls.selfSigned("mp parent", Duration.ofDays(1));
		Tls.Identity worker = Tls.selfSigned("mp worker", Duration.ofDays(1));
		byte[] secret = Handshake.randomBytes();
		try (SSLServerSocket server = (SSLServerSocket) Tls.context(parent, worker.fingerprint())
			.getServerSocketFactory()
			.createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			server.setNeedClientAuth(true);
			RemoteEndpoint endpoint = new RemoteEndpoint("127.0.0.1", server.getLocalPort(), parent.fingerprint(),
					worker.certificateBytes(), worker.keyBytes(), Duration.ofSeconds(1));
			Path config = this.directory.resolve("silent.properties");
			BootstrapConfig bootstrap = new BootstrapConfig("w1", "silent", secret, "", -1, "plain", 1024 * 1024,
					WorkerEnd.ON_SHUTDOWN, Map.of(), Map.of(), "", 0, CodecIdentity.JAVA, 0);
			Files.writeString(config, RemoteBootstrap.configText(bootstrap, endpoint));
			Path secrets = Files.createDirectory(this.directory.resolve("silent-secret"));
			RemoteBootstrap.secretFiles(bootstrap, endpoint).forEach((name, bytes) -> write(secrets.resolve(name), bytes));
			Process process = new ProcessBuilder(RemoteWorkerCommand.build(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of(), Map.of(),
					System.getProperty("java.class.path"), config.toString(), secrets.toString()))
				.redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("silent.log").toFile())
				.redirectInput(new File("/dev/null"))
				.start();
			try (SSLSocket accepted = (SSLSocket) server.accept()) {
				FrameChannel channel = new FrameChannel(accepted.getInputStream(), accepted.getOutputStream(), accepted,
						1024);
				byte[] nonce = Handshake.randomBytes();
				channel.write(new Frame(FrameType.HELLO, 0, nonce));
				Handshake.Hello hello = Handshake.parseHello(channel.read().payload());
				assertThat(Handshake.verify(secret, nonce, hello.workerId(), hello.proof())).isTrue();
				// and then not a word, with the connection open
				assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				process.destroyForcibly();
			}
			assertThat(process.exitValue()).isEqualTo(73);
			assertThat(this.directory.resolve("silent.log")).content().contains("no word from the parent");
		}
	}

	private static byte[] read(Path file) {
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void write(Path file, byte[] bytes) {
		try {
			Files.write(file, bytes);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

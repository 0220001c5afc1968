package dev.mp.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample application started as a user starts it, {@code java -jar mp-sample-app.jar} on a free port,
 * and called over HTTP. Its output goes on to the test's, and its last lines are kept for assertions and failures.
 */
final class SampleAppProcess implements AutoCloseable {

	private static final int OUTPUT_LINES_KEPT = 300;

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Process process;

	private final URI base;

	private final Deque<String> output = new ConcurrentLinkedDeque<>();

	private SampleAppProcess(Process process, URI base) {
		this.process = process;
		this.base = base;
	}

	/**
	 * Starts the jar that failsafe names, with {@code arguments} after its port, and waits until it reports UP.
	 */
	static SampleAppProcess start(String... arguments) throws IOException {
		Path jar = Path.of(System.getProperty("mp.sample.jar", "target/mp-sample-app.jar"));
		assertThat(Files.isRegularFile(jar)).as("the packaged sample app at %s (run through failsafe after package)",
				jar.toAbsolutePath()).isTrue();
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// where the app extracts itself for its workers: under target, not the user's ~/.cache
		command.addAll(List.of("-Dmp.worker.cache-dir=" + cacheDirectory(), "-jar", jar.toString(),
				"--server.port=" + port));
		command.addAll(List.of(arguments));
		SampleAppProcess app = new SampleAppProcess(new ProcessBuilder(command).redirectErrorStream(true).start(),
				URI.create("http://localhost:" + port));
		app.copyOutput();
		try {
			await("the sample app to report UP at /actuator/health").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.ignoreExceptionsInstanceOf(ConnectException.class)
				.until(() -> {
					app.requireAlive();
					HttpResponse<String> health = app.get("/actuator/health");
					return health.statusCode() == 200 && "UP".equals(json(health).path("status").asString());
				});
		}
		catch (RuntimeException | Error ex) {
			// no caller gets the app to close: what it started ends here
			try {
				app.close();
			}
			catch (InterruptedException interrupted) {
				Thread.currentThread().interrupt();
			}
			throw ex;
		}
		return app;
	}

	/** Where the application extracts itself for its workers. */
	static Path cacheDirectory() {
		return Path.of(System.getProperty("mp.worker.cache-dir", "target/mp-cache")).toAbsolutePath();
	}

	Process process() {
		return this.process;
	}

	/** The application's last lines of output. */
	List<String> output() {
		return List.copyOf(this.output);
	}

	URI uri(String path) {
		return this.base.resolve(path);
	}

	HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).build());
	}

	CompletableFuture<HttpResponse<String>> getAsync(String path) {
		return http.sendAsync(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120)).build(),
				BodyHandlers.ofString());
	}

	HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return http.send(request, BodyHandlers.ofString());
	}

	/** The JSON answer to {@code GET path}, which must be 200. */
	JsonNode okJson(String path) throws IOException, InterruptedException {
		return okJson(get(path));
	}

	static JsonNode okJson(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("%s: %s", response.request().uri(), response.body()).isEqualTo(200);
		return json(response);
	}

	/** The body of an answer of any status, read as JSON. */
	static JsonNode json(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	/** Throws with the application's last output once it has exited, so that a wait ends with the reason. */
	void requireAlive() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("The sample app exited with " + this.process.exitValue()
					+ "; its last output:\n" + String.join("\n", this.output));
		}
	}

	/**
	 * Stops the application as its user would (SIGTERM) unless a test has stopped it already; kills it and the
	 * descendants it had if it does not stop in time.
	 */
	@Override
	public void close() throws InterruptedException {
		List<ProcessHandle> started = new ArrayList<>(this.process.descendants().toList());
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
	}

	private void copyOutput() {
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					System.out.println("[app " + this.process.pid() + "] " + line);
					this.output.addLast(line);
					while (this.output.size() > OUTPUT_LINES_KEPT) {
						this.output.pollFirst();
					}
				}
			}
			catch (IOException ex) {
				// the application has exited
			}
		}, "sample-app-output");
		reader.setDaemon(true);
		reader.start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

}

package dev.mp.sample;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import dev.mp.test.NoChildProcessesLeft;

import static dev.mp.sample.SampleAppProcess.json;
import static dev.mp.sample.SampleAppProcess.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application end to end, as a user runs it: {@code java -jar mp-sample-app.jar}, called over HTTP. Its
 * workers must be real child JVMs of the application, a crashing worker must cost only its call, a child's output
 * must land in the application's log, a worker can be terminated through the actuator, and stopping the application
 * (SIGTERM) must leave no worker behind.
 * <p>
 * The tests share one application and run in order; the last one stops it.
 */
@ExtendWith(NoChildProcessesLeft.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleAppIT {

	private static final String REGION = "eu-on-the-command-line";

	private static SampleAppProcess app;

	@BeforeAll
	static void startApplication() throws IOException {
		app = SampleAppProcess.start(
				// stop at once on SIGTERM instead of waiting for in-flight requests, and give non-daemon workers
				// one second before they are terminated: the last test checks that shutdown ends live workers
				"--server.shutdown=immediate", "--mp.shutdown.grace-period=1s",
				// over application.properties' "local": workers must see the application's value
				"--sample.region=" + REGION);
	}

	@AfterAll
	static void stopApplication() throws InterruptedException {
		// normally the last test has stopped it; if a test failed midway, stop what this class started
		if (app != null) {
			app.close();
		}
	}

	@Test
	@Order(1)
	void workerCallsRunInChildJvmsOfTheApplication() throws Exception {
		// independent calls go out together: each starts its own worker JVM
		CompletableFuture<HttpResponse<String>> pid = app.getAsync("/pid");
		CompletableFuture<HttpResponse<String>> primes = app.getAsync("/primes?upTo=10000");
		CompletableFuture<HttpResponse<String>> primesAsync = app.getAsync("/primes/async?upTo=10000");

		JsonNode pids = okJson(pid.get(60, TimeUnit.SECONDS));
		long workerPid = pids.path("workerPid").asLong();
		assertThat(pids.path("appPid").asLong()).isEqualTo(app.process().pid());
		assertThat(workerPid).isPositive().isNotEqualTo(app.process().pid());

		JsonNode blocking = okJson(primes.get(60, TimeUnit.SECONDS));
		assertThat(blocking.path("count").asLong()).isEqualTo(1229);
		assertThat(blocking.path("callerPid").asLong()).isEqualTo(app.process().pid());
		assertThat(okJson(primesAsync.get(60, TimeUnit.SECONDS)).path("count").asLong()).isEqualTo(1229);

		// the worker is a warm member of the default pool: it stays, and the actuator shows it idle between calls
		assertThat(isAlive(workerPid)).isTrue();
		// it started from the jar the app extracted for its workers, not through Boot's PropertiesLauncher
		List<String> workerCommand = ProcessHandle.of(workerPid)
			.flatMap((worker) -> worker.info().arguments())
			.map(List::of)
			.orElseThrow();
		assertThat(workerCommand).doesNotContain("org.springframework.boot.loader.launch.PropertiesLauncher")
			.contains("dev.mp.internal.worker.WorkerMain");
		String classPath = workerCommand.get(workerCommand.indexOf("-cp") + 1);
		assertThat(Path.of(classPath)).startsWith(SampleAppProcess.cacheDirectory().resolve("extracted"))
			.hasFileName("mp-sample-app.jar");
		await("worker " + workerPid + " to be idle in /actuator/processes").atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> {
				JsonNode worker = app.okJson("/actuator/processes/" + workerPid);
				assertThat(worker.path("pool").asString()).isEqualTo("default");
				assertThat(worker.path("state").asString()).isEqualTo("IDLE");
				assertThat(worker.path("tasksCompleted").asLong()).isPositive();
			});
	}

	@Test
	@Order(2)
	void aLongTaskReportsItsProgressToItsCallerAndTheActuatorWhichShowsTheWorkersJvmFacts() throws Exception {
		CompletableFuture<HttpResponse<String>> counting = app.getAsync("/primes/progress?upTo=10000000");
		JsonNode busy = await("a busy worker with progress in /actuator/processes").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(50))
			.until(SampleAppIT::reportingWorker, Optional::isPresent)
			.orElseThrow();
		assertThat(busy.path("progress").path("total").asLong()).isEqualTo(10_000_000);
		assertThat(busy.path("progress").path("message").asString()).endsWith("primes so far");
		long pid = busy.path("pid").asLong();
		// a worker tells its first facts within a second of connecting: a task may report progress sooner
		JsonNode jvm = await("worker " + pid + "'s first JVM facts").atMost(Duration.ofSeconds(20))
			.until(() -> app.okJson("/actuator/processes/" + pid).path("jvm"), (facts) -> !facts.isMissingNode());
		// mp.worker.max-heap=128m; the serial collector counts one survivor space out of the most it may use
		assertThat(jvm.path("heapMax").asLong()).isBetween(100L << 20, 128L << 20);
		assertThat(jvm.path("heapUsed").asLong()).isPositive();
		assertThat(jvm.path("threads").asInt()).isPositive();
		assertThat(jvm.path("loadedClasses").asLong()).isGreaterThan(1000);
		assertThat(jvm.path("contextUptime").asString()).startsWith("PT");
		String uptime = jvm.path("uptime").asString();
		// mp.worker.jvm-facts-interval=5s in the sample
		await("worker " + pid + " to tell its facts again").atMost(Duration.ofSeconds(20))
			.until(() -> !app.okJson("/actuator/processes/" + pid).path("jvm").path("uptime").asString()
				.equals(uptime));
		JsonNode answer = okJson(counting.get(120, TimeUnit.SECONDS));
		assertThat(answer.path("count").asLong()).isEqualTo(664_579);
		assertThat(answer.path("reportsHeard").asInt()).isPositive();
		assertThat(answer.path("lastReport").path("done").asLong()).isEqualTo(10_000_000);
	}

	@Test
	@Order(2)
	void aWorkersLogEventIsLoggedInTheApplicationsFormatAndItsPrintsAsText() throws Exception {
		assertThat(app.okJson("/chatty?lines=2").path("lines").asInt()).isEqualTo(2);
		await("the worker's printed line and its log event in the application's output").atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(app.output())
				.anySatisfy((line) -> assertThat(line).contains("dev.mp.worker.")
					.containsPattern("\\[default-\\d+:\\d+\\] chatty line 1 of 2"))
				.anySatisfy((line) -> assertThat(line).contains(" INFO ", "mp-call", "dev.mp.sample.ChattyService",
						": chatty printed 2 lines")
					.doesNotContain("dev.mp.worker.")));
	}

	@Test
	@Order(2)
	void aWorkerSeesAPropertyFromTheApplicationsCommandLineButNotOnItsOwn() throws Exception {
		JsonNode region = app.okJson("/region");
		assertThat(region.path("app").asString()).isEqualTo(REGION);
		assertThat(region.path("worker").asString()).isEqualTo(REGION);
		assertThat(app.process().descendants().map((worker) -> worker.info().commandLine().orElse("")))
			.isNotEmpty()
			.noneMatch((command) -> command.contains(REGION));
	}

	@Test
	@Order(2)
	void aWorkerContinuesTheRequestsTraceAndSeesItsMdc() throws Exception {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.uri("/trace?requestId=r-42"))
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.build());
		JsonNode trace = okJson(response);
		assertThat(trace.path("app").asString()).isEqualTo(traceId);
		assertThat(trace.path("worker").asString()).isEqualTo(traceId);
		assertThat(trace.path("workerRequestId").asString()).isEqualTo("r-42");
		// the worker's log event, in the application's log format, whose correlation field shows the trace
		await("the worker's log line with the request's trace id").atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(app.output())
				.anySatisfy((line) -> assertThat(line).contains("log context asked", traceId, "mp-call")));
	}

	@Test
	@Order(2)
	void workersAddIntoASharedValueAndReportOnASharedQueue() throws Exception {
		JsonNode shared = okJson(app.get("/primes/shared?upTo=100000&parts=4"));
		assertThat(shared.path("count").asLong()).isEqualTo(9592);
		assertThat(shared.path("parts")).hasSize(4);
		assertThat(shared.path("parts").toString()).doesNotContain("pid " + app.process().pid());
	}

	@Test
	@Order(2)
	void hostileParametersAnswer400WithAMessageAtOnceAndStartNoWork() throws Exception {
		// each URL, and the parameter its answer must name
		Map<String, String> hostile = new LinkedHashMap<>();
		hostile.put("/primes?upTo=2147483647", "upTo");
		hostile.put("/primes?upTo=-1", "upTo");
		hostile.put("/primes?upTo=many", "upTo");
		hostile.put("/primes", "upTo");
		hostile.put("/primes/async?upTo=2147483647", "upTo");
		hostile.put("/primes/shared?upTo=2147483647&parts=1", "upTo");
		hostile.put("/primes/shared?upTo=1000&parts=0", "parts");
		hostile.put("/primes/shared?upTo=1000&parts=100000", "parts");
		hostile.put("/chatty?lines=2147483647", "lines");
		hostile.put("/sleep?seconds=2147483647", "seconds");
		long tasksBefore = tasksCompleted();
		for (Map.Entry<String, String> request : hostile.entrySet()) {
			HttpResponse<String> response = app.send(
					HttpRequest.newBuilder(app.uri(request.getKey())).timeout(Duration.ofSeconds(10)).build());
			assertThat(response.statusCode()).as("%s: %s", request.getKey(), response.body()).isEqualTo(400);
			assertThat(json(response).path("detail").asString()).as(request.getKey())
				.contains(request.getValue());
		}
		JsonNode processes = app.okJson("/actuator/processes");
		assertThat(processes.path("processes")).as("no worker busy, no sleeper started")
			.noneMatch((process) -> process.path("alive").asBoolean()
					&& (process.path("name").asString().startsWith("sleeper")
							|| List.of("BUSY", "RUNNING").contains(process.path("state").asString())));
		assertThat(processes.path("pools")).as("no task queued").allMatch((pool) -> pool.path("queued").asInt() == 0);
		assertThat(tasksCompleted()).as("tasks completed by the workers").isEqualTo(tasksBefore);
	}

	@Test
	@Order(2)
	void aCrashingWorkerFailsOnlyItsCall() throws Exception {
		String caught = app.okJson("/crash").path("caught").asString();
		assertThat(caught).contains("ProcessDiedException").contains("exit code 3");
		assertThat(app.process().isAlive()).isTrue();
		assertThat(app.okJson("/primes?upTo=10000").path("count").asLong()).as("a call after the crash")
			.isEqualTo(1229);
	}

	@Test
	@Order(3)
	void processTemplateRunsThreeProcessesSideBySide() throws Exception {
		JsonNode tutorial = app.okJson("/tutorial");
		List<Long> pids = new ArrayList<>();
		for (JsonNode process : tutorial.path("processes")) {
			assertThat(process.path("name").asString()).startsWith("greeter-");
			assertThat(process.path("exitCode").asInt(-1)).as("exit code of %s", process).isZero();
			pids.add(process.path("pid").asLong());
		}
		assertThat(pids).hasSize(3).doesNotHaveDuplicates().doesNotContain(app.process().pid());
		assertThat(tutorial.path("elapsedMillis").asLong()).as("each process sleeps 1 s").isGreaterThanOrEqualTo(1000);
		// what a child prints lands in the application's log, tagged with the child's name and pid
		for (String who : List.of("bob", "alice", "carol")) {
			await(who + "'s greeting in the application's output").atMost(Duration.ofSeconds(10))
				.until(() -> app.output().stream().anyMatch((line) -> line.contains("[greeter-" + who + ":")
						&& line.contains("hello " + who + " from pid")));
		}
	}

	@Test
	@Order(4)
	void aWorkerTerminatedThroughTheActuatorFailsOnlyItsCall() throws Exception {
		CompletableFuture<HttpResponse<String>> sleeping = app.getAsync("/sleep?seconds=60");
		long pid = awaitLiveSleeper();
		JsonNode one = app.okJson("/actuator/processes/" + pid);
		assertThat(one.path("pid").asLong()).isEqualTo(pid);
		assertThat(one.path("alive").asBoolean()).isTrue();
		assertThat(one.path("exitCode").isNull() || one.path("exitCode").isMissingNode())
			.as("no exit code while running: %s", one).isTrue();

		HttpResponse<String> terminate = app.send(HttpRequest.newBuilder(app.uri("/actuator/processes/" + pid))
			.DELETE()
			.timeout(Duration.ofSeconds(30))
			.build());
		assertThat(terminate.statusCode()).as(terminate.body()).isBetween(200, 299);
		await("worker " + pid + " to exit after DELETE").atMost(Duration.ofSeconds(10)).until(() -> !isAlive(pid));

		HttpResponse<String> call = sleeping.get(30, TimeUnit.SECONDS);
		assertThat(call.statusCode()).as(call.body()).isEqualTo(500);
		assertThat(call.body()).contains("ProcessDiedException");
		await("the actuator to report worker " + pid + " exited").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode exited = app.okJson("/actuator/processes/" + pid);
			assertThat(exited.path("state").asString()).isEqualTo("EXITED");
			assertThat(exited.path("exitCode").asInt()).as("SIGTERM reads as -15").isEqualTo(-15);
		});
		assertThat(app.get("/actuator/processes/" + Integer.MAX_VALUE).statusCode()).as("an unknown pid")
			.isEqualTo(404);
		assertThat(app.process().isAlive()).isTrue();
	}

	@Test
	@Order(4)
	void requestsCannotStartMoreFreshJvmsThanTheBound() throws Exception {
		List<CompletableFuture<HttpResponse<String>>> sleeping = new ArrayList<>();
		for (int i = 0; i < WorkController.MAX_FRESH_JVMS; i++) {
			sleeping.add(app.getAsync("/sleep?seconds=120"));
		}
		List<Long> sleepers = await("all sleepers running").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(SampleAppIT::liveSleepers, (pids) -> pids.size() == WorkController.MAX_FRESH_JVMS);

		for (String refused : List.of("/sleep?seconds=1", "/tutorial")) {
			HttpResponse<String> response = app.get(refused);
			assertThat(response.statusCode()).as("%s: %s", refused, response.body()).isEqualTo(429);
			assertThat(json(response).path("detail").asString()).contains("At most");
		}
		assertThat(liveSleepers()).as("nothing more started").hasSize(WorkController.MAX_FRESH_JVMS);

		for (long pid : sleepers) {
			assertThat(app.send(HttpRequest.newBuilder(app.uri("/actuator/processes/" + pid)).DELETE().build())
				.statusCode()).isEqualTo(200);
		}
		for (CompletableFuture<HttpResponse<String>> call : sleeping) {
			assertThat(call.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
		}
		assertThat(app.okJson("/sleep?seconds=0").path("workerPid").asLong()).as("the JVMs are handed back")
			.isNotEqualTo(app.process().pid());
	}

	@Test
	@Order(5)
	void stoppingTheApplicationTerminatesItsLiveWorkers() throws Exception {
		app.getAsync("/sleep?seconds=60"); // never answers: the application stops first
		long pid = awaitLiveSleeper();
		assertThat(pid).isNotEqualTo(app.process().pid());
		assertThat(isAlive(pid)).isTrue();
		assertThat(app.process().descendants().map(ProcessHandle::pid)).as("descendants of the application")
			.contains(pid);

		app.process().destroy(); // SIGTERM: the context closes, and mp stops its children
		assertThat(app.process().waitFor(30, TimeUnit.SECONDS)).as("the application exits after SIGTERM").isTrue();
		// the application stopped its children before it exited; allow 2 s for the kernel to report them gone
		await("worker " + pid + " to be gone once the application has stopped").atMost(Duration.ofSeconds(2))
			.until(() -> !isAlive(pid));
		assertThat(NoChildProcessesLeft.liveDescendants()).as("live descendants of the test JVM").isEmpty();
	}

	private static long tasksCompleted() throws Exception {
		long sum = 0;
		for (JsonNode process : app.okJson("/actuator/processes").path("processes")) {
			sum += process.path("tasksCompleted").asLong();
		}
		return sum;
	}

	/** A busy worker whose call has reported its progress, as the actuator lists it. */
	private static Optional<JsonNode> reportingWorker() throws Exception {
		app.requireAlive();
		for (JsonNode process : app.okJson("/actuator/processes").path("processes")) {
			if ("BUSY".equals(process.path("state").asString()) && process.path("progress").isObject()) {
				return Optional.of(process);
			}
		}
		return Optional.empty();
	}

	/** Waits until the actuator lists a running {@code sleeper} worker, and returns its pid. */
	private static long awaitLiveSleeper() {
		return await("a live 'sleeper' worker in /actuator/processes").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(SampleAppIT::liveSleeper, Optional::isPresent)
			.orElseThrow();
	}

	private static Optional<Long> liveSleeper() throws Exception {
		return liveSleepers().stream().findFirst();
	}

	private static List<Long> liveSleepers() throws Exception {
		app.requireAlive();
		List<Long> pids = new ArrayList<>();
		for (JsonNode process : app.okJson("/actuator/processes").path("processes")) {
			if (process.path("name").asString().startsWith("sleeper") && process.path("alive").asBoolean()
					&& "RUNNING".equals(process.path("state").asString())) {
				pids.add(process.path("pid").asLong());
			}
		}
		return pids;
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}

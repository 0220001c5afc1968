package dev.mp.spring.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.mp.ChildProcess;
import dev.mp.CurrentProcess;
import dev.mp.ManagedProcess;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.sync.ProcessEvent;
import dev.mp.test.NoChildProcessesLeft;
import dev.mp.test.PidReuse;
import dev.mp.test.PidReuse.Bystander;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/processes} over real HTTP: listing is open once exposed; terminating is refused unless access to
 * the endpoint is granted, and then reaches only live children of this application.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ProcessesEndpointWebIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@SpringBootApplication
	static class WebApplication {

	}

	abstract static class Base {

		@LocalServerPort
		int port;

		@Autowired
		ProcessTemplate template;

		ManagedProcess sleeper;

		@AfterEach
		void stopSleeper() throws InterruptedException {
			if (this.sleeper != null && this.sleeper.isAlive()) {
				this.sleeper.kill();
				this.sleeper.join();
			}
		}

		ManagedProcess startSleeper() {
			this.sleeper = this.template.process(() -> Thread.sleep(60_000)).name("web-sleeper").start();
			return this.sleeper;
		}

		HttpResponse<String> send(String method, String path) throws Exception {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.timeout(Duration.ofSeconds(30))
				.build();
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}

	}

	@Nested
	@SpringBootTest(classes = WebApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "management.endpoints.web.exposure.include=processes")
	class ReadOnlyByDefault extends Base {

		@Test
		void listsChildrenButRefusesToTerminate() throws Exception {
			ManagedProcess child = startSleeper();
			HttpResponse<String> list = send("GET", "/actuator/processes");
			assertThat(list.statusCode()).isEqualTo(200);
			assertThat(list.body()).contains("\"pid\":" + child.pid(), "\"name\":\"web-sleeper\"", "\"alive\":true");
			assertThat(send("GET", "/actuator/processes/" + child.pid()).statusCode()).isEqualTo(200);
			assertThat(send("GET", "/actuator/processes/999999999").statusCode()).isEqualTo(404);
			assertThat(send("DELETE", "/actuator/processes/" + child.pid()).statusCode()).isEqualTo(405);
			assertThat(child.isAlive()).isTrue();
		}

	}

	@Nested
	@SpringBootTest(classes = WebApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=processes",
					"mp.worker.jvm-facts-interval=200ms" })
	class FactsAndProgress extends Base {

		@Test
		void aBusySpringWorkerShowsItsJvmFactsAndItsCallsProgress() throws Exception {
			try (ProcessPool pool = this.template.pool("web-facts")) {
				showsFactsAndProgress(pool);
			}
		}

		private void showsFactsAndProgress(ProcessPool pool) throws Exception {
			ProcessEvent release = this.template.event();
			CompletableFuture<String> task = pool.submit(() -> {
				CurrentProcess.progress(1, 2, "half way");
				release.await();
				return "done";
			});
			ChildProcess worker = await().atMost(Duration.ofSeconds(60))
				.until(() -> pool.workers().stream().filter((child) -> child.progress().isPresent()).findFirst(),
						Optional::isPresent)
				.orElseThrow();
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.jvm().isPresent());
			String one = send("GET", "/actuator/processes/" + worker.pid()).body();
			assertThat(one).contains("\"state\":\"BUSY\"",
					"\"progress\":{\"done\":1,\"total\":2,\"message\":\"half way\"}", "\"jvm\":{",
					"\"heapUsed\":", "\"heapMax\":", "\"gcCount\":", "\"threads\":", "\"loadedClasses\":",
					"\"contextUptime\":\"PT");
			assertThat(send("GET", "/actuator/processes").body()).contains("\"message\":\"half way\"");
			release.set();
			assertThat(task.get(30, TimeUnit.SECONDS)).isEqualTo("done");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !send("GET", "/actuator/processes/" + worker.pid()).body().contains("\"progress\":{"));
		}

	}

	@Nested
	@SpringBootTest(classes = WebApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=processes",
					"management.endpoint.processes.access=unrestricted" })
	class TerminateWhenGranted extends Base {

		@Test
		void terminatesTheChild() throws Exception {
			ManagedProcess child = startSleeper();
			await().atMost(Duration.ofSeconds(30)).until(() -> child.state() == dev.mp.ProcessState.RUNNING);
			HttpResponse<String> terminated = send("DELETE", "/actuator/processes/" + child.pid());
			assertThat(terminated.statusCode()).isEqualTo(200);
			child.onExit().get(30, TimeUnit.SECONDS);
			assertThat(child.exitCode()).hasValue(-15);
			assertThat(send("GET", "/actuator/processes/" + child.pid()).body()).contains("\"state\":\"EXITED\"",
					"\"exitCode\":-15");
		}

		@Test
		void aPidThatIsNoChildOfOursIsNotFound() throws Exception {
			assertThat(send("DELETE", "/actuator/processes/" + ProcessHandle.current().pid()).statusCode())
				.isEqualTo(404);
			assertThat(send("DELETE", "/actuator/processes/1").statusCode()).isEqualTo(404);
			try (Bystander stranger = Bystander.start()) {
				assertThat(send("DELETE", "/actuator/processes/" + stranger.process().pid()).statusCode())
					.isEqualTo(404);
				await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(stranger::bothAlive);
			}
		}

		@Test
		void anExitedChildIsAConflictAndNeverSignalledThoughItsPidWasTaken() throws Exception {
			ManagedProcess child = this.template.process(() -> Runtime.getRuntime().halt(3)).name("web-short").start();
			assertThat(child.join(Duration.ofSeconds(30))).isTrue();
			try (Bystander bystander = PidReuse.bystanderWithPid(child.pid()).orElse(null)) {
				assumeThat(bystander).as("pid reuse can be steered here (root, /proc/sys/kernel/ns_last_pid)")
					.isNotNull();
				HttpResponse<String> refused = send("DELETE", "/actuator/processes/" + child.pid());
				assertThat(refused.statusCode()).isEqualTo(409);
				assertThat(refused.body()).contains("\"name\":\"web-short\"", "\"state\":\"EXITED\"",
						"\"exitCode\":3");
				await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(bystander::bothAlive);
			}
		}

	}

}

package dev.mp.spring.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/health/processes} and the {@code mp.*} meters over real HTTP, with a configured pool whose worker
 * is warmed as the application starts: the auto-configurations are found through the imports file.
 */
// registered before Spring's extension, so it checks after the context (and its workers) has closed
@ExtendWith(NoChildProcessesLeft.class)
@DirtiesContext
@SpringBootTest(classes = HealthAndMetricsWebIntegrationTests.WebApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "mp.pools.web.size=1", "mp.pools.web.min-idle=1", "mp.pools.web.bootstrap-mode=plain",
				"management.endpoint.health.show-details=always",
				"management.endpoints.web.exposure.include=health,metrics" })
class HealthAndMetricsWebIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@SpringBootApplication
	static class WebApplication {

	}

	@Test
	void healthAndMetersShowTheWarmedPool() throws Exception {
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			HttpResponse<String> health = get("/actuator/health/processes");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"status\":\"UP\"")
				.contains("\"web\":{\"status\":\"UP\",\"size\":1,\"minIdle\":1,\"workers\":1,\"states\":{\"IDLE\":1}");
		});
		HttpResponse<String> live = get("/actuator/metrics/mp.processes.live?tag=pool:web&tag=state:IDLE");
		assertThat(live.statusCode()).isEqualTo(200);
		assertThat(live.body()).contains("\"value\":1.0");
		HttpResponse<String> completed = get("/actuator/metrics/mp.pool.tasks.completed?tag=pool:web");
		assertThat(completed.statusCode()).isEqualTo(200);
		assertThat(completed.body()).contains("\"value\":0.0");
		assertThat(get("/actuator/health").body()).contains("\"processes\":");
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}

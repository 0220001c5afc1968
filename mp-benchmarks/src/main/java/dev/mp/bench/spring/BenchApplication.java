package dev.mp.bench.spring;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The smallest Spring Boot application with a {@code @WorkerProcess} bean ({@link BenchWorker}), for the Spring rows
 * of the benchmark. It lives in its own package so that its component scan sees only this package, not the harness.
 * It is started inside the harness's JVM by {@link #start}, and booted again by every {@code spring}-mode worker.
 */
@SpringBootApplication
public class BenchApplication {

	/**
	 * Starts the application in this JVM: no web server, no banner, no shutdown hook (the caller closes the context),
	 * the {@code default} pool sized 1 with 1 worker kept warm.
	 */
	public static ConfigurableApplicationContext start() {
		SpringApplication application = new SpringApplication(BenchApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.setDefaultProperties(Map.of("mp.pools.default.size", "1", "mp.pools.default.min-idle", "1"));
		return application.run();
	}

}

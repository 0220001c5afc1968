package restartapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** DevToolsRestartIT's application: its classes are a directory, which DevTools loads in a restart class loader. */
@SpringBootApplication
public class RestartApp {

	public static void main(String[] args) {
		SpringApplication.run(RestartApp.class, args);
	}

}

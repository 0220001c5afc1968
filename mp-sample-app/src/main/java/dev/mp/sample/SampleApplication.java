package dev.mp.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web application that shows mp at work: bean methods annotated with
 * {@link dev.mp.spring.WorkerProcess @WorkerProcess} run, one call at a time, in a fresh child JVM that boots this
 * same application (without its web server), while the web application keeps serving.
 * <p>
 * Run it as a fat jar, which is how mp is meant to be deployed:
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -jar mp-sample-app/target/mp-sample-app.jar
 * </pre>
 *
 * then try:
 * <ul>
 * <li>{@code curl 'localhost:8080/primes?upTo=2000000'}: a CPU-heavy call in a worker JVM ({@link PrimeService});
 * {@code /primes/async} is the same call through a {@code CompletableFuture}.</li>
 * <li>{@code curl localhost:8080/pid}: the application's pid and a worker's, which differ
 * ({@link WorkerInfoService}).</li>
 * <li>{@code curl localhost:8080/crash}: a worker that calls {@code Runtime.halt(3)}; the call fails with mp's
 * {@code ProcessDiedException} (HTTP 500) and the application goes on serving ({@link CrashService}).</li>
 * <li>{@code curl 'localhost:8080/chatty?lines=5'}: a worker writing to {@code System.out}; its lines appear in
 * this application's log, tagged with the worker's name and pid ({@link ChattyService}).</li>
 * <li>{@code curl 'localhost:8080/sleep?seconds=30'} and, meanwhile, {@code curl localhost:8080/actuator/processes}:
 * the live worker as the actuator lists it; {@code curl -X DELETE localhost:8080/actuator/processes/PID}
 * terminates it (allowed here by {@code management.endpoint.processes.access=unrestricted}).</li>
 * <li>{@code curl localhost:8080/tutorial}: {@link dev.mp.ProcessTemplate} used directly, as Python's
 * {@code Process(target=f, args=(a,))}: three processes that each sleep one second, started together and
 * joined.</li>
 * </ul>
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

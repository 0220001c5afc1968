package dev.mp.spring.kubernetes;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application whose {@code pods} pool runs its workers as Kubernetes pods in {@link PodWorkerIntegrationTests}. In
 * its own package, so that its component scan finds only {@link PodWork}.
 */
@SpringBootApplication
public class PodWorkerApplication {

}

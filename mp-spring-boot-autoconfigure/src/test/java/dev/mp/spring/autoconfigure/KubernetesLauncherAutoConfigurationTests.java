package dev.mp.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.fabric8.kubernetes.client.KubernetesClient;

import dev.mp.ProcessTemplate;
import dev.mp.kubernetes.KubernetesWorkerLauncher;
import dev.mp.kubernetes.PodResources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes launcher's auto-configuration: applies with mp-kubernetes, feeds the template, backs off when disabled,
 * absent or in a worker; a pool that asks for a launcher nobody provides fails the context with the reason.
 */
class KubernetesLauncherAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(KubernetesLauncherAutoConfiguration.class, MpAutoConfiguration.class));

	@Test
	void aPoolWithTheKubernetesLauncherGetsItsPodSettings() {
		this.runner
			.withPropertyValues("mp.pools.images.launcher=kubernetes", "mp.pools.images.min-idle=0",
					"mp.pools.images.pod.cpu-request=500m", "mp.pools.images.pod.memory-limit=1Gi",
					"mp.kubernetes.namespace=apps", "mp.kubernetes.image=registry.example/app:1",
					"mp.kubernetes.advertised-host=10.0.0.7")
			.run((context) -> {
				assertThat(context).hasSingleBean(KubernetesWorkerLauncher.class).hasSingleBean(KubernetesClient.class);
				KubernetesWorkerLauncher launcher = context.getBean(KubernetesWorkerLauncher.class);
				assertThat(launcher.namespace()).isEqualTo("apps");
				assertThat(launcher.settings().resources("images"))
					.isEqualTo(new PodResources("500m", null, null, "1Gi"));
				assertThat(launcher.remoteAccess().advertisedHost()).isEqualTo("10.0.0.7");
				ProcessTemplate template = context.getBean(ProcessTemplate.class);
				assertThat(template.poolOptions("images").launcher()).isEqualTo("kubernetes");
			});
	}

	@Test
	void backsOffWhenDisabledAndThenAKubernetesPoolFailsTheContextWithTheReason() {
		this.runner.withPropertyValues("mp.kubernetes.enabled=false", "mp.pools.images.launcher=kubernetes")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("No worker launcher named 'kubernetes'")
					.hasMessageContaining("mp-kubernetes");
			});
	}

	@Test
	void backsOffWithoutMpKubernetesAndInAWorker() {
		this.runner.withClassLoader(new FilteredClassLoader(KubernetesWorkerLauncher.class))
			.run((context) -> assertThat(context).doesNotHaveBean(KubernetesWorkerLauncher.class)
				.hasSingleBean(ProcessTemplate.class));
		this.runner.withPropertyValues("mp.child=true")
			.run((context) -> assertThat(context).doesNotHaveBean(KubernetesWorkerLauncher.class));
	}

}

package dev.mp.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import dev.mp.kubernetes.KubernetesSettings;
import dev.mp.kubernetes.KubernetesWorkerLauncher;
import dev.mp.kubernetes.PodResources;
import dev.mp.spring.child.SpringChildBootstrap;

/**
 * Lets pools run their workers as Kubernetes pods ({@code mp.pools.<name>.launcher=kubernetes}) when mp-kubernetes is
 * on the class path: a {@link KubernetesWorkerLauncher} that {@link MpAutoConfiguration}'s template picks up. Only in
 * the application, never in a worker. Creating the launcher talks to no cluster; the first worker pod does.
 */
@AutoConfiguration(before = MpAutoConfiguration.class)
@ConditionalOnClass({ KubernetesClient.class, KubernetesWorkerLauncher.class })
@ConditionalOnBooleanProperty(name = "mp.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "mp.kubernetes.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = SpringChildBootstrap.CHILD_PROPERTY, havingValue = false, matchIfMissing = true)
@EnableConfigurationProperties({ MpProperties.class, MpKubernetesProperties.class })
public final class KubernetesLauncherAutoConfiguration {

	/** The client worker pods are made with, unless the application has one (Spring Cloud Kubernetes, its own). */
	@Bean
	@ConditionalOnMissingBean
	KubernetesClient kubernetesClient() {
		return new KubernetesClientBuilder().build();
	}

	@Bean
	@ConditionalOnMissingBean
	KubernetesWorkerLauncher kubernetesWorkerLauncher(KubernetesClient client, MpProperties mp,
			MpKubernetesProperties properties) {
		KubernetesSettings.Builder settings = KubernetesSettings.builder()
			.namespace(properties.getNamespace())
			.image(properties.getImage())
			.imagePullPolicy(properties.getImagePullPolicy())
			.serviceAccount(properties.getServiceAccount())
			.appName(properties.getAppName())
			.ownerPod(properties.getOwnerPod())
			.javaCommand(properties.getJavaCommand())
			.classPath(properties.getClassPath())
			.heapPercentage(properties.getHeapPercentage())
			.bindAddress(properties.getBindAddress())
			.port(properties.getPort())
			.advertisedHost(properties.getAdvertisedHost())
			.pingInterval(properties.getPingInterval())
			.disconnectGrace(properties.getDisconnectGrace())
			.terminationGrace(properties.getTerminationGrace());
		mp.getPools().forEach((name, pool) -> {
			MpProperties.Pod pod = pool.getPod();
			settings.resources(name, new PodResources(pod.getCpuRequest(), pod.getCpuLimit(), pod.getMemoryRequest(),
					pod.getMemoryLimit()));
		});
		return new KubernetesWorkerLauncher(client, settings.build());
	}

}

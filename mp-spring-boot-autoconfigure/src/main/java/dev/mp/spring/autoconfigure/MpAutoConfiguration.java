package dev.mp.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.beans.factory.config.BeanDefinition;

import dev.mp.ProcessOptions;
import dev.mp.ProcessTemplate;
import dev.mp.spring.child.SpringChildBootstrap;
import dev.mp.spring.proxy.WorkerProcessBeanPostProcessor;

/**
 * Registers mp's {@link ProcessTemplate} and the processing of {@link dev.mp.spring.WorkerProcess @WorkerProcess}.
 * Inside a worker (a child JVM mp started), {@code @WorkerProcess} methods run in place instead of forking again.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "mp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MpProperties.class)
public final class MpAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessTemplate processTemplate(MpProperties properties, BeanFactory beanFactory) {
		List<String> allowed = new ArrayList<>(properties.getSerialization().getAllowedClasses());
		if (AutoConfigurationPackages.has(beanFactory)) {
			AutoConfigurationPackages.get(beanFactory).forEach((pkg) -> allowed.add(pkg + ".**"));
		}
		return ProcessTemplate.builder()
			.defaults(processOptions(properties.getWorker()))
			.shutdownGracePeriod(properties.getShutdown().getGracePeriod())
			.maxFrameBytes(Math.toIntExact(properties.getProtocol().getMaxFrameSize().toBytes()))
			.allowClasses(allowed)
			.howToAllow("add a pattern for it to mp.serialization.allowed-classes")
			.build();
	}

	private static ProcessOptions processOptions(MpProperties.Worker worker) {
		ProcessOptions.Builder options = ProcessOptions.builder()
			.jvmOptions(worker.getJvmOptions())
			.maxHeap(worker.getMaxHeap())
			.systemProperties(worker.getSystemProperties())
			.environment(worker.getEnvironment())
			.workingDirectory(worker.getWorkingDirectory())
			.startTimeout(worker.getStartTimeout());
		if (worker.getJavaHome() != null) {
			options.javaHome(worker.getJavaHome());
		}
		return options.build();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnBooleanProperty(name = SpringChildBootstrap.CHILD_PROPERTY, havingValue = false, matchIfMissing = true)
	static WorkerProcessBeanPostProcessor workerProcessBeanPostProcessor(ObjectProvider<ProcessTemplate> template,
			ApplicationContext context) {
		return new WorkerProcessBeanPostProcessor(template, context);
	}

}

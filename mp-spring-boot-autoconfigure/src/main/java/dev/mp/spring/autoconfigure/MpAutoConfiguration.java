package dev.mp.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.mp.PoolListener;
import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessTemplate;
import dev.mp.spi.CallObserver;
import dev.mp.spi.WorkerLauncher;
import dev.mp.spring.child.SpringChildBootstrap;
import dev.mp.spring.child.WorkerEnvironment;
import dev.mp.spring.observation.CallObservers;
import dev.mp.spring.proxy.WorkerProcessBeanPostProcessor;

/**
 * Registers mp's {@link ProcessTemplate}, its pools ({@code mp.pools.*}), and the processing of
 * {@link dev.mp.spring.WorkerProcess @WorkerProcess}. Inside a worker (a child JVM mp started), {@code @WorkerProcess}
 * methods run in place and no pool is warmed, so nothing forks again; with {@code mp.mode=in-place} (for tests) they
 * run in this JVM through the codec, and no pool is warmed either.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "mp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MpProperties.class)
public final class MpAutoConfiguration {

	/** The pool {@code @WorkerProcess} uses when it names none. */
	static final String DEFAULT_POOL = "default";

	/** Where {@code @WorkerProcess} methods run (see {@link MpProperties#getMode()}). */
	static final String MODE_PROPERTY = "mp.mode";

	@Bean
	@ConditionalOnMissingBean
	ProcessTemplate processTemplate(MpProperties properties, BeanFactory beanFactory, ApplicationContext context,
			ObjectProvider<PoolListener> listeners, ObjectProvider<WorkerLauncher> launchers,
			ObjectProvider<CallObserver> callObservers) {
		List<String> allowed = new ArrayList<>(properties.getSerialization().getAllowedClasses());
		if (AutoConfigurationPackages.has(beanFactory)) {
			AutoConfigurationPackages.get(beanFactory).forEach((pkg) -> allowed.add(pkg + ".**"));
		}
		ProcessOptions defaults = processOptions(properties.getWorker());
		Map<String, String> application = SpringChildBootstrap.attributesFor(context);
		ProcessTemplate.Builder template = ProcessTemplate.builder()
			.defaults(defaults)
			.shutdownGracePeriod(properties.getShutdown().getGracePeriod())
			.maxFrameBytes(Math.toIntExact(properties.getProtocol().getMaxFrameSize().toBytes()))
			.allowClasses(allowed)
			.howToAllow("add a pattern for it to mp.serialization.allowed-classes")
			.mdc(properties.getWorker().getMdc().isEnabled())
			.mdcKeys(properties.getWorker().getMdc().getKeys())
			.jvmFactsInterval(properties.getWorker().getJvmFactsInterval())
			.logEvents(properties.getWorker().getLogEvents().isEnabled())
			.defaultPoolOptions(poolOptions(new MpProperties.Pool(), defaults, application));
		properties.getPools()
			.forEach((name, pool) -> template.pool(name, poolOptions(pool, defaults, application)));
		// the loader of the application's own classes, which answers are read with: under DevTools a restart class
		// loader, one per restart, which the thread that happens to build the template need not have
		ClassLoader classLoader = context.getClassLoader();
		if (classLoader != null) {
			template.classLoader(classLoader);
		}
		if (properties.getSerialization().getCodec() != null) {
			template.codec(properties.getSerialization().getCodec());
		}
		if (properties.getSharedMemory().getDirectory() != null) {
			template.sharedMemoryBase(properties.getSharedMemory().getDirectory());
		}
		MpProperties.EnvironmentCopy copy = properties.getWorker().getEnvironmentCopy();
		if (copy.isEnabled() && context.getEnvironment() instanceof ConfigurableEnvironment environment) {
			template.launchAttributes(new WorkerEnvironment(environment, copy.getExclude()));
		}
		listeners.orderedStream().forEach(template::listener);
		launchers.orderedStream().forEach(template::launcher);
		CallObserver callObserver = CallObservers.of(callObservers.orderedStream().toList());
		if (callObserver != null) {
			template.callObserver(callObserver);
		}
		return template.build();
	}

	private static ProcessOptions processOptions(MpProperties.Worker worker) {
		ProcessOptions.Builder options = ProcessOptions.builder()
			.jvmOptions(worker.getJvmOptions())
			.maxHeap(worker.getMaxHeap())
			.systemProperties(worker.getSystemProperties())
			.environment(worker.getEnvironment())
			.workingDirectory(worker.getWorkingDirectory())
			.startTimeout(worker.getStartTimeout())
			.extractFatJar(worker.isExtractFatJar())
			.classDataSharing(worker.isClassDataSharing())
			.startupFlags(worker.isStartupFlags())
			.memoryFlags(worker.isMemoryFlags())
			.niceness(worker.getNice())
			.oomScoreAdjustment(worker.getOomScoreAdjustment())
			.cacheMaxSize(worker.getCacheMaxSize().toBytes());
		if (worker.getCacheDir() != null) {
			options.cacheDirectory(worker.getCacheDir());
		}
		if (worker.getJavaHome() != null) {
			options.javaHome(worker.getJavaHome());
		}
		return options.build();
	}

	private static PoolOptions poolOptions(MpProperties.Pool pool, ProcessOptions defaults,
			Map<String, String> application) {
		ProcessOptions.Builder process = defaults.toBuilder()
			.addJvmOptions(pool.getJvmOptions())
			.bootstrapMode(pool.getBootstrapMode());
		if (SpringChildBootstrap.MODE.equals(pool.getBootstrapMode())) {
			process.bootstrapAttributes(application);
		}
		if (pool.getMaxHeap() != null) {
			process.maxHeap(pool.getMaxHeap());
		}
		if (pool.getClassDataSharing() != null) {
			process.classDataSharing(pool.getClassDataSharing());
		}
		if (pool.getStartupFlags() != null) {
			process.startupFlags(pool.getStartupFlags());
		}
		if (pool.getMemoryFlags() != null) {
			process.memoryFlags(pool.getMemoryFlags());
		}
		if (pool.getNice() != null) {
			process.niceness(pool.getNice());
		}
		if (pool.getOomScoreAdjustment() != null) {
			process.oomScoreAdjustment(pool.getOomScoreAdjustment());
		}
		PoolOptions.Builder options = PoolOptions.builder()
			.minIdle(pool.getMinIdle())
			.maxTasksPerWorker(pool.getMaxTasksPerWorker())
			.idleTimeout(pool.getIdleTimeout())
			.taskTimeout(pool.getTaskTimeout())
			.cancelGrace(pool.getCancelGrace())
			.maxQueued(pool.getMaxQueued())
			.queueFullPolicy(pool.getQueueFullPolicy())
			.maxStartFailures(pool.getMaxStartFailures())
			.startFailurePeriod(pool.getStartFailurePeriod())
			.spinWait(pool.getSpinWait())
			.launcher(pool.getLauncher())
			.processOptions(process.build());
		if (pool.getSize() != null) {
			options.size(pool.getSize());
		}
		return options.build();
	}

	/** What only the application itself does, never a worker: proxying {@code @WorkerProcess}, warming pools. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = SpringChildBootstrap.CHILD_PROPERTY, havingValue = false,
			matchIfMissing = true)
	static class ApplicationSideConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static WorkerProcessBeanPostProcessor workerProcessBeanPostProcessor(
				ObjectProvider<ProcessTemplate> template, ApplicationContext context) {
			// bound here, not injected: a post-processor's dependencies are created too early to be post-processed
			MpProperties.Mode mode = Binder.get(context.getEnvironment())
				.bind(MODE_PROPERTY, MpProperties.Mode.class)
				.orElse(MpProperties.Mode.WORKERS);
			return new WorkerProcessBeanPostProcessor(template, context, mode == MpProperties.Mode.IN_PLACE);
		}

		/** Warms pools only where their workers will be used: in place, none is started. */
		@Bean
		@ConditionalOnProperty(name = MODE_PROPERTY, havingValue = "workers", matchIfMissing = true)
		PoolWarmer mpPoolWarmer(ProcessTemplate template, MpProperties properties,
				WorkerProcessBeanPostProcessor workerProcesses) {
			return new PoolWarmer(template, properties.getPools().keySet(), workerProcesses,
					properties.getWorker().getMemoryLimit());
		}

	}

}

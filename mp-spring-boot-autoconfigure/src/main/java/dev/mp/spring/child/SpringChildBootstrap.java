package dev.mp.spring.child;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.MapPropertySource;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.mp.TargetResolutionException;
import dev.mp.spi.CallObserver;
import dev.mp.spi.ChildBootstrap;
import dev.mp.spring.observation.CallObservers;

/**
 * The {@code spring} bootstrap mode: the child boots the application's own sources, with no web server, lazy beans,
 * and without calling {@code CommandLineRunner}s or {@code ApplicationRunner}s (they would do the application's
 * start-up work again, or fork again). Found by {@link java.util.ServiceLoader}.
 */
public final class SpringChildBootstrap implements ChildBootstrap {

	/** The mode name. */
	public static final String MODE = "spring";

	/** Attribute: comma-separated class names of the application's sources. */
	public static final String SOURCES = "spring.sources";

	/** Attribute: comma-separated active profiles of the parent. */
	public static final String PROFILES = "spring.profiles";

	/** Property set in a worker's environment: {@code @WorkerProcess} methods run in place there. */
	public static final String CHILD_PROPERTY = "mp.child";

	/**
	 * The attributes a {@code spring} child needs to boot the same application as the parent: its
	 * {@code @SpringBootConfiguration} sources and active profiles.
	 */
	public static Map<String, String> attributesFor(ApplicationContext parent) {
		String sources = Arrays.stream(parent.getBeanNamesForAnnotation(SpringBootConfiguration.class))
			.map(parent::getType)
			.filter(Objects::nonNull)
			.map((type) -> ClassUtils.getUserClass(type).getName())
			.distinct()
			.collect(Collectors.joining(","));
		return Map.of(SOURCES, sources, PROFILES, String.join(",", parent.getEnvironment().getActiveProfiles()));
	}

	private static final Map<String, Object> WORKER_PROPERTIES = Map.of(CHILD_PROPERTY, "true",
			"spring.main.web-application-type", "none", "spring.main.lazy-initialization", "true",
			"spring.quartz.auto-startup", "false");

	/**
	 * DevTools' own switch, read from the system properties as the application starts. Were its restart on in a worker,
	 * it would run the worker's {@code main} again in a restart class loader, which then waits for a second bootstrap
	 * block that never comes. A worker is never restarted: its parent's restart closes it and starts new ones.
	 */
	private static final String DEVTOOLS_RESTART_PROPERTY = "spring.devtools.restart.enabled";

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			SpringChildBootstrap.class.getClassLoader());

	private ConfigurableApplicationContext context;

	private String sources;

	@Override
	public String mode() {
		return MODE;
	}

	@Override
	public void start(Map<String, String> attributes) throws ClassNotFoundException {
		start(attributes, () -> {
		});
	}

	@Override
	public void start(Map<String, String> attributes, Runnable loggingConfigured) throws ClassNotFoundException {
		this.sources = attributes.getOrDefault(SOURCES, "");
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		String[] names = StringUtils.commaDelimitedListToStringArray(this.sources);
		if (names.length == 0) {
			throw new IllegalStateException("The parent has no @SpringBootConfiguration class, so this worker cannot "
					+ "boot its application: spring-mode workers and @WorkerProcess need a Spring Boot application");
		}
		Class<?>[] primarySources = new Class<?>[names.length];
		for (int i = 0; i < names.length; i++) {
			primarySources[i] = Class.forName(names[i], false, loader);
		}
		System.setProperty(DEVTOOLS_RESTART_PROPERTY, "false");
		SpringApplication application = new SpringApplication(primarySources);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLazyInitialization(true);
		application.setBannerMode(Banner.Mode.OFF);
		application.setMainApplicationClass(primarySources[0]);
		application.setLogStartupInfo(false);
		// the parent's log adds its own time stamp and tags each line with the worker's name and pid
		application.setDefaultProperties(Map.of("logging.pattern.console", "%-5level %logger{36} : %msg%n%throwable"));
		// the application's properties as resolved where it runs, over the worker's own sources but mpWorker
		ApplicationListener<ApplicationEnvironmentPreparedEvent> applicationProperties = WorkerEnvironment
			.inWorker(attributes);
		if (applicationProperties != null) {
			application.addListeners(applicationProperties);
		}
		// first, so that the application's own spring.main.* settings cannot start a web server or eager beans here
		application.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) (event) -> event
			.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("mpWorker", WORKER_PROPERTIES)));
		// right after Boot's logging system has configured Logback, which drops what was attached to it before
		application.addListeners(new LoggingConfigured(loggingConfigured));
		// scheduled jobs and started schedulers are the application's own work, as runners are
		application.addInitializers((context) -> context.addBeanFactoryPostProcessor(new NoSchedulingInWorkers()));
		application.setAdditionalProfiles(StringUtils.commaDelimitedListToStringArray(attributes.get(PROFILES)));
		try {
			this.context = SpringApplication.withHook((app) -> new StopBeforeRunners(), () -> application.run());
		}
		catch (SpringApplication.AbandonedRunException ex) {
			this.context = ex.getApplicationContext();
		}
	}

	@Override
	public Object bean(@Nullable String beanName, Class<?> type) {
		try {
			if (beanName != null && this.context.containsBean(beanName)) {
				return this.context.getBean(beanName);
			}
			return this.context.getBean(type);
		}
		catch (BeansException ex) {
			throw new TargetResolutionException("No bean " + ((beanName != null) ? "'" + beanName + "' " : "")
					+ "of type " + type.getName() + " in the worker's application context (sources: "
					+ Arrays.toString(StringUtils.commaDelimitedListToStringArray(this.sources))
					+ "): is it conditional on a profile or property the worker does not have? " + ex.getMessage(),
					ex);
		}
	}

	/** The application's own, as its template has them (see {@link CallObservers}). */
	@Override
	public @Nullable CallObserver callObserver() {
		return CallObservers.of(this.context.getBeanProvider(CallObserver.class).orderedStream().toList());
	}

	/** A {@code Mono} or {@code Flux} in the JDK's terms, when the application has Reactor. */
	@Override
	public @Nullable Object returned(@Nullable Object value) {
		return adaptReturned(value);
	}

	/**
	 * A bean method's return value as a worker answers with it: Reactor's {@code Mono} as a future, a {@code Flux} as a
	 * {@code Flow.Publisher}, others as they are.
	 */
	public static @Nullable Object adaptReturned(@Nullable Object value) {
		return REACTOR_PRESENT ? ReactorResults.adapt(value) : value;
	}

	@Override
	public @Nullable Instant contextStarted() {
		ConfigurableApplicationContext started = this.context;
		return (started != null) ? Instant.ofEpochMilli(started.getStartupDate()) : null;
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/**
	 * Removes Spring's {@code @Scheduled} processor, which lazy initialisation does not hold back; after the
	 * configuration classes have been read, since {@code @EnableScheduling} registers it.
	 */
	private static final class NoSchedulingInWorkers implements BeanFactoryPostProcessor {

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			if (beanFactory instanceof BeanDefinitionRegistry registry) {
				for (String name : beanFactory.getBeanNamesForType(ScheduledAnnotationBeanPostProcessor.class, true,
						false)) {
					registry.removeBeanDefinition(name);
				}
			}
		}

	}

	/** Runs an action once, as soon as Spring Boot has configured the application's logging. */
	private static final class LoggingConfigured implements GenericApplicationListener {

		private final Runnable action;

		LoggingConfigured(Runnable action) {
			this.action = action;
		}

		@Override
		public boolean supportsEventType(ResolvableType eventType) {
			return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType.toClass());
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			this.action.run();
		}

		@Override
		public int getOrder() {
			return LoggingApplicationListener.DEFAULT_ORDER + 1;
		}

	}

	/**
	 * Ends {@code SpringApplication.run} once the context has started, before the runners are called; Boot's own way
	 * to leave a run early, keeping the context.
	 */
	private static final class StopBeforeRunners implements SpringApplicationRunListener {

		@Override
		public void started(ConfigurableApplicationContext context, java.time.Duration timeTaken) {
			throw new SpringApplication.AbandonedRunException(context);
		}

	}

}

package dev.mp.spring.proxy;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.interceptor.ExposeBeanNameAdvisors;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

import dev.mp.CallSites;
import dev.mp.MpException;
import dev.mp.ProcessOptions;
import dev.mp.ProcessTemplate;
import dev.mp.child.BeanMethodInvocation;
import dev.mp.spring.WorkerProcess;
import dev.mp.spring.child.SpringChildBootstrap;

/**
 * Sends a {@link WorkerProcess @WorkerProcess} call to a fresh child JVM booted in {@code spring} mode, and turns the
 * answer back into what the method's signature promises: the value (blocking), nothing (blocking), or a future.
 */
final class WorkerProcessInterceptor implements MethodInterceptor {

	private final ObjectProvider<ProcessTemplate> template;

	private final ApplicationContext context;

	private final Map<Method, ProcessOptions> options = new ConcurrentHashMap<>();

	private volatile Map<String, String> bootstrapAttributes;

	WorkerProcessInterceptor(ObjectProvider<ProcessTemplate> template, ApplicationContext context) {
		this.template = template;
		this.context = context;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod()
			.getDeclaringClass();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		WorkerProcess annotation = WorkerProcessMethods.find(method, targetClass);
		if (annotation == null) {
			return invocation.proceed();
		}
		String beanName = beanName(invocation);
		BeanMethodInvocation call = new BeanMethodInvocation(beanName, ClassUtils.getUserClass(targetClass), method,
				invocation.getArguments());
		String name = annotation.name().isEmpty()
				? ((beanName != null) ? beanName : targetClass.getSimpleName()) + "." + method.getName()
				: annotation.name();
		CompletableFuture<Object> result = this.template.getObject()
			.invoke(call, this.options.computeIfAbsent(method, (m) -> options(annotation)), name);
		Class<?> returnType = method.getReturnType();
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)) {
			return result;
		}
		try {
			return result.get();
		}
		catch (ExecutionException ex) {
			throw CallSites.appendCallerStack(ex.getCause(), call.describe());
		}
		catch (InterruptedException ex) {
			result.cancel(true);
			Thread.currentThread().interrupt();
			throw new MpException("Interrupted while waiting for " + call.describe() + "; its child JVM was killed",
					ex);
		}
	}

	private static String beanName(MethodInvocation invocation) {
		try {
			return ExposeBeanNameAdvisors.getBeanName(invocation);
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			// proxied by someone else first: the child resolves the bean by type
			return null;
		}
	}

	private ProcessOptions options(WorkerProcess annotation) {
		ProcessOptions.Builder options = this.template.getObject()
			.defaults()
			.toBuilder()
			.bootstrapMode(SpringChildBootstrap.MODE)
			.bootstrapAttributes(bootstrapAttributes())
			.addJvmOptions(Arrays.asList(annotation.jvmOptions()));
		if (!annotation.maxHeap().isEmpty()) {
			options.maxHeap(annotation.maxHeap());
		}
		return options.build();
	}

	/** The application's sources and active profiles, so the child boots the same application. */
	private Map<String, String> bootstrapAttributes() {
		Map<String, String> attributes = this.bootstrapAttributes;
		if (attributes == null) {
			String sources = Arrays.stream(this.context.getBeanNamesForAnnotation(SpringBootConfiguration.class))
				.map(this.context::getType)
				.filter((type) -> type != null)
				.map((type) -> ClassUtils.getUserClass(type).getName())
				.distinct()
				.collect(Collectors.joining(","));
			if (sources.isEmpty()) {
				throw new MpException("No @SpringBootConfiguration class in the application context, so a worker "
						+ "cannot boot the application: @WorkerProcess needs a Spring Boot application");
			}
			attributes = Map.of(SpringChildBootstrap.SOURCES, sources, SpringChildBootstrap.PROFILES,
					String.join(",", this.context.getEnvironment().getActiveProfiles()));
			this.bootstrapAttributes = attributes;
		}
		return attributes;
	}

}

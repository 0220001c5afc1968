package dev.mp.spring.proxy;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.interceptor.ExposeBeanNameAdvisors;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

import dev.mp.MpException;
import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.spi.BeanCall;
import dev.mp.spi.CallSites;
import dev.mp.spring.WorkerProcess;
import dev.mp.spring.child.SpringChildBootstrap;

/**
 * Sends a {@link WorkerProcess @WorkerProcess} call to a worker of its pool (or to a fresh child JVM), or in place
 * through the codec ({@code mp.mode=in-place}), and turns the answer back into what the method's signature promises:
 * the value (blocking), nothing (blocking), a future, or Reactor's {@code Mono} (sent on subscription) or {@code Flux}
 * (streamed, see {@link ProcessPool#stream}).
 */
final class WorkerProcessInterceptor implements MethodInterceptor {

	private final ObjectProvider<ProcessTemplate> template;

	private final ApplicationContext context;

	private final boolean inPlace;

	private final Map<Method, Route> routes = new ConcurrentHashMap<>();

	/** The pools that stream the elements of methods returning a {@code Flux}. */
	private final Map<Method, ProcessPool> streamPools = new ConcurrentHashMap<>();

	WorkerProcessInterceptor(ObjectProvider<ProcessTemplate> template, ApplicationContext context, boolean inPlace) {
		this.template = template;
		this.context = context;
		this.inPlace = inPlace;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		WorkerProcess annotation = WorkerProcessMethods.find(method, targetClass);
		if (annotation == null) {
			return invocation.proceed();
		}
		String beanName = beanName(invocation);
		BeanCall call = new BeanCall(beanName, ClassUtils.getUserClass(targetClass), method, invocation.getArguments());
		if (WorkerProcessMethods.returnsFlux(method)) {
			if (this.inPlace) {
				throw new UnsupportedOperationException("@WorkerProcess method " + method + " returns a Flux, whose "
						+ "elements stream only from a real worker: mp.mode=in-place does not run it; test it with "
						+ "real workers (see mp's testing recipe)");
			}
			ProcessPool pool = this.streamPools.computeIfAbsent(method,
					(m) -> pool(annotation, this.template.getObject()));
			return ReactiveReturns.flux(pool, call);
		}
		Route route = this.routes.computeIfAbsent(method, (m) -> route(annotation, beanName, targetClass, m));
		if (WorkerProcessMethods.returnsMono(method)) {
			return ReactiveReturns.mono(() -> route.send(call, target));
		}
		CompletableFuture<Object> result = route.send(call, target);
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
			throw new MpException("Interrupted while waiting for " + call.describe() + "; the call was cancelled", ex);
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

	/**
	 * Where a method's calls go: a fresh JVM per call, a pool whose workers fit the method's JVM settings, or this JVM
	 * (its pool named to the template's call observer all the same).
	 */
	private Route route(WorkerProcess annotation, String beanName, Class<?> targetClass, Method method) {
		ProcessTemplate processes = this.template.getObject();
		if (this.inPlace) {
			String pool = annotation.fresh() ? null : annotation.pool();
			return (call, target) -> processes.invokeInPlace(call, Objects.requireNonNull(target, "target"), pool,
					SpringChildBootstrap::adaptReturned);
		}
		if (annotation.fresh()) {
			ProcessOptions options = withSettings(processes.defaults().toBuilder()
				.bootstrapMode(SpringChildBootstrap.MODE)
				.bootstrapAttributes(SpringChildBootstrap.attributesFor(this.context)), annotation);
			String name = annotation.name().isEmpty()
					? ((beanName != null) ? beanName : targetClass.getSimpleName()) + "." + method.getName()
					: annotation.name();
			return (call, target) -> processes.invoke(call, options, name);
		}
		ProcessPool pool = pool(annotation, processes);
		return (call, target) -> pool.invoke(call);
	}

	/** The pool whose workers fit a method's JVM settings: its pool's, or one made for them. */
	private static ProcessPool pool(WorkerProcess annotation, ProcessTemplate processes) {
		if (annotation.jvmOptions().length == 0 && annotation.maxHeap().isEmpty()) {
			return processes.pool(annotation.pool());
		}
		PoolOptions base = processes.poolOptions(annotation.pool());
		PoolOptions fitting = base.toBuilder()
			.minIdle(0)
			.processOptions(withSettings(base.processOptions().toBuilder(), annotation))
			.build();
		List<String> name = new ArrayList<>(List.of(annotation.pool()));
		name.addAll(Arrays.asList(annotation.jvmOptions()));
		if (!annotation.maxHeap().isEmpty()) {
			name.add("-Xmx" + annotation.maxHeap());
		}
		return processes.pool(String.join(" ", name), fitting);
	}

	private static ProcessOptions withSettings(ProcessOptions.Builder options, WorkerProcess annotation) {
		options.addJvmOptions(Arrays.asList(annotation.jvmOptions()));
		if (!annotation.maxHeap().isEmpty()) {
			options.maxHeap(annotation.maxHeap());
		}
		return options.build();
	}

	@FunctionalInterface
	private interface Route {

		/** @param target the bean's own object, which a call in place runs on */
		CompletableFuture<Object> send(BeanCall call, @Nullable Object target);

	}

}

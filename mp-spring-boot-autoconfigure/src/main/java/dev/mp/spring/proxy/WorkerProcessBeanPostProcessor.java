package dev.mp.spring.proxy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.interceptor.ExposeBeanNameAdvisors;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

import dev.mp.ProcessTemplate;
import dev.mp.spring.WorkerProcess;

/**
 * Proxies beans with {@link WorkerProcess @WorkerProcess} methods (or the annotation on their class), as Spring's
 * {@code @Async} processing does: an advisor and a {@code MethodInterceptor}, no AspectJ. Checks each such method as
 * the bean is created, failing the start-up with the method's name if mp could not run it.
 */
public class WorkerProcessBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
		implements SmartInitializingSingleton {

	private final Set<String> poolsInUse = ConcurrentHashMap.newKeySet();

	private final Set<Class<?>> workerClasses = ConcurrentHashMap.newKeySet();

	private final ObjectProvider<ProcessTemplate> template;

	/**
	 * @param inPlace whether calls run in this JVM, through the codec, rather than in workers (for tests)
	 */
	public WorkerProcessBeanPostProcessor(ObjectProvider<ProcessTemplate> template, ApplicationContext context,
			boolean inPlace) {
		Pointcut onClass = new AnnotationMatchingPointcut(WorkerProcess.class, true);
		Pointcut onMethod = new AnnotationMatchingPointcut(null, WorkerProcess.class, true);
		this.advisor = new DefaultPointcutAdvisor(new ComposablePointcut(onClass).union(onMethod),
				new WorkerProcessInterceptor(template, context, inPlace));
		this.template = template;
		setProxyTargetClass(true);
		setBeforeExistingAdvisors(true);
	}

	/**
	 * Also the path taken for a bean another proxy creator has already proxied (it is then advised in place), so
	 * the checks run for every bean with {@code @WorkerProcess} methods; once per class.
	 */
	@Override
	protected boolean isEligible(Class<?> targetClass) {
		boolean eligible = super.isEligible(targetClass);
		if (eligible) {
			Class<?> type = ClassUtils.getUserClass(targetClass);
			List<String> problems = WorkerProcessMethods.problems(type);
			if (!problems.isEmpty()) {
				throw new BeanInitializationException(type.getName() + " has @WorkerProcess methods mp cannot run "
						+ "in a child JVM:\n  - " + String.join("\n  - ", problems));
			}
			this.poolsInUse.addAll(WorkerProcessMethods.pools(type));
			this.workerClasses.add(type);
		}
		return eligible;
	}

	/**
	 * Once every singleton exists (the template among them, so creating it here disturbs no bean's
	 * post-processing), checks the values the worker methods send against the serialization allow-list.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		ProcessTemplate processes = this.template.getIfAvailable();
		if (processes == null) {
			return;
		}
		List<String> problems = this.workerClasses.stream()
			.flatMap((type) -> WorkerProcessMethods.refusedTypes(type, processes::allowsClass).stream())
			.toList();
		if (!problems.isEmpty()) {
			throw new BeanInitializationException("@WorkerProcess methods send values mp would refuse:\n  - "
					+ String.join("\n  - ", problems));
		}
	}

	/** The pools named by the {@code @WorkerProcess} beans created so far. */
	public Set<String> poolsInUse() {
		return Set.copyOf(this.poolsInUse);
	}

	@Override
	protected ProxyFactory prepareProxyFactory(Object bean, String beanName) {
		ProxyFactory factory = super.prepareProxyFactory(bean, beanName);
		// the interceptor reads the bean name, so the child looks the same bean up by name
		factory.addAdvisor(ExposeBeanNameAdvisors.createAdvisorWithoutIntroduction(beanName));
		return factory;
	}

}

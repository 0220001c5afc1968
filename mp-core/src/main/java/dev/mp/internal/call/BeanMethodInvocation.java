package dev.mp.internal.call;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import dev.mp.TargetResolutionException;
import dev.mp.spi.BeanCall;
import dev.mp.spi.ChildBootstrap;

/**
 * Calls a method on a bean of the child's application context; the method and bean are named, not sent.
 */
public final class BeanMethodInvocation implements Invocation {

	private static final long serialVersionUID = 1L;

	private final String beanName;

	private final String beanType;

	private final String methodName;

	private final String[] parameterTypes;

	private final Object[] arguments;

	/** The worker's form of a bean call: the method by name and parameter types, the arguments copied. */
	public static BeanMethodInvocation of(BeanCall call) {
		Object[] arguments = call.arguments();
		return new BeanMethodInvocation(call.beanName(), call.beanType().getName(), call.method().getName(),
				Arrays.stream(call.method().getParameterTypes()).map(Class::getName).toArray(String[]::new),
				(arguments != null) ? arguments.clone() : new Object[0]);
	}

	/** As read from a compact call (see {@link CompactCalls}). */
	BeanMethodInvocation(String beanName, String beanType, String methodName, String[] parameterTypes,
			Object[] arguments) {
		this.beanName = beanName;
		this.beanType = beanType;
		this.methodName = methodName;
		this.parameterTypes = parameterTypes;
		this.arguments = arguments;
	}

	/** {@code bean.method}, a bounded name for metrics: the bean's name, else its class's simple name. */
	public String beanMethod() {
		String bean = (this.beanName != null) ? this.beanName
				: this.beanType.substring(this.beanType.lastIndexOf('.') + 1);
		return bean + "." + this.methodName;
	}

	@Override
	public Object invoke(ChildBootstrap bootstrap) throws Throwable {
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		Class<?> type = load(this.beanType, loader);
		Method method = findMethod(type, loader);
		Object bean = bootstrap.bean(this.beanName, type);
		Object result;
		try {
			method.setAccessible(true);
			result = bootstrap.returned(method.invoke(bean, this.arguments));
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
		if (result instanceof Future<?> future) {
			try {
				return future.get();
			}
			catch (ExecutionException ex) {
				throw (ex.getCause() != null) ? ex.getCause() : ex;
			}
			catch (InterruptedException ex) {
				// the call was cancelled: so is the work behind the future (a Mono's subscription)
				future.cancel(true);
				throw ex;
			}
		}
		return result;
	}

	private Method findMethod(Class<?> type, ClassLoader loader) {
		Class<?>[] parameters = new Class<?>[this.parameterTypes.length];
		for (int i = 0; i < parameters.length; i++) {
			parameters[i] = load(this.parameterTypes[i], loader);
		}
		try {
			return type.getMethod(this.methodName, parameters);
		}
		catch (NoSuchMethodException ex) {
			throw new TargetResolutionException("No public method " + signature() + " on " + type.getName()
					+ " in the worker JVM: is the worker running the same class path as the caller?", ex);
		}
	}

	private static Class<?> load(String name, ClassLoader loader) {
		try {
			return ClassUtilsLite.forName(name, loader);
		}
		catch (ClassNotFoundException ex) {
			throw new TargetResolutionException("Class " + name + " is not on the worker JVM's class path", ex);
		}
	}

	private String signature() {
		return this.methodName + "(" + Arrays.stream(this.parameterTypes).collect(Collectors.joining(", ")) + ")";
	}

	public String beanName() {
		return this.beanName;
	}

	String beanType() {
		return this.beanType;
	}

	String methodName() {
		return this.methodName;
	}

	String[] parameterTypes() {
		return this.parameterTypes;
	}

	Object[] arguments() {
		return this.arguments;
	}

	@Override
	public String describe() {
		String bean = (this.beanName != null) ? this.beanName : this.beanType;
		return bean + "." + signature();
	}

}

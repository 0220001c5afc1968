package dev.mp.spi;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A call of a public method of a bean in a worker's application context, as the Spring module sends it through
 * {@link dev.mp.ProcessTemplate#invoke(BeanCall, dev.mp.ProcessOptions, String)} and
 * {@link dev.mp.ProcessPool#invoke(BeanCall)}. The bean and method are named and found again in the worker; the
 * arguments travel.
 * @param beanName the bean's name in the caller's context, or {@code null} to find it by type alone
 * @param beanType the bean's class
 * @param method the method to call
 * @param arguments its arguments
 */
public record BeanCall(@Nullable String beanName, Class<?> beanType, Method method, @Nullable Object[] arguments) {

	/** The call for people and stack traces: {@code bean.method(parameter types)}. */
	public String describe() {
		String bean = (this.beanName != null) ? this.beanName : this.beanType.getName();
		return bean + "." + this.method.getName() + "(" + Arrays.stream(this.method.getParameterTypes())
			.map(Class::getName)
			.collect(Collectors.joining(", ")) + ")";
	}

}

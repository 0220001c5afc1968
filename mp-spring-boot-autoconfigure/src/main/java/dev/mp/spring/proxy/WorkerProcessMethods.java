package dev.mp.spring.proxy;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.mp.spring.WorkerProcess;

/**
 * Which methods of a class run in a worker, and whether each can: checked when the bean is created, so that a method
 * mp cannot proxy or whose values cannot travel fails the application's start-up with its name, not its first call.
 */
final class WorkerProcessMethods {

	private static final List<String> UNSUPPORTED_RETURN_TYPES = List.of("org.reactivestreams.Publisher",
			"kotlinx.coroutines.flow.Flow");

	private static final String MONO = "reactor.core.publisher.Mono";

	private static final String FLUX = "reactor.core.publisher.Flux";

	private WorkerProcessMethods() {
	}

	/** Whether a method returns Reactor's {@code Mono}: its call is sent on subscription. */
	static boolean returnsMono(Method method) {
		return method.getReturnType().getName().equals(MONO);
	}

	/** Whether a method returns Reactor's {@code Flux}: the worker streams its elements. */
	static boolean returnsFlux(Method method) {
		return method.getReturnType().getName().equals(FLUX);
	}

	/**
	 * The annotation that applies to a method: its own, or its class's for a public method the class itself declares
	 * (not inherited ones, nor {@code toString}, {@code equals} and {@code hashCode}, nor callbacks such as an
	 * {@code ApplicationListener}'s, which Spring calls and which must not fork).
	 */
	static WorkerProcess find(Method method, Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return null;
		}
		WorkerProcess own = AnnotatedElementUtils.findMergedAnnotation(method, WorkerProcess.class);
		if (own != null) {
			return own;
		}
		return coveredByClassAnnotation(method, ClassUtils.getUserClass(targetClass))
				? AnnotatedElementUtils.findMergedAnnotation(targetClass, WorkerProcess.class) : null;
	}

	private static boolean coveredByClassAnnotation(Method method, Class<?> userClass) {
		int modifiers = method.getModifiers();
		return method.getDeclaringClass() == userClass && Modifier.isPublic(modifiers)
				&& !Modifier.isStatic(modifiers) && !method.isBridge() && !method.isSynthetic()
				&& !ReflectionUtils.isObjectMethod(method) && !ReflectionUtils.isEqualsMethod(method)
				&& !ReflectionUtils.isHashCodeMethod(method) && !ReflectionUtils.isToStringMethod(method)
				&& !isCallback(method, userClass);
	}

	/** Whether the method implements an interface Spring calls back on (Aware, listeners, lifecycle). */
	private static boolean isCallback(Method method, Class<?> userClass) {
		for (Class<?> implemented : ClassUtils.getAllInterfacesForClassAsSet(userClass)) {
			if (implemented.getName().startsWith("org.springframework.")
					&& ReflectionUtils.findMethod(implemented, method.getName(), method.getParameterTypes()) != null) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Argument and result types of the class's {@code @WorkerProcess} methods that are final (so no subclass could be
	 * allowed instead) and refused by the allow-list: every call would fail, so start-up should.
	 */
	static List<String> refusedTypes(Class<?> type, Predicate<Class<?>> allowed) {
		List<String> problems = new ArrayList<>();
		boolean onClass = AnnotatedElementUtils.hasAnnotation(type, WorkerProcess.class);
		ReflectionUtils.doWithMethods(type, (method) -> {
			if (!AnnotatedElementUtils.hasAnnotation(method, WorkerProcess.class)
					&& !(onClass && coveredByClassAnnotation(method, type))) {
				return;
			}
			List<Class<?>> travelling = new ArrayList<>(List.of(method.getParameterTypes()));
			travelling.add(ResolvableType.forMethodReturnType(method).resolve(Object.class));
			if (Future.class.isAssignableFrom(method.getReturnType())
					|| CompletionStage.class.isAssignableFrom(method.getReturnType()) || returnsMono(method)
					|| returnsFlux(method)) {
				travelling.add(ResolvableType.forMethodReturnType(method).getGeneric(0).resolve(Object.class));
			}
			for (Class<?> value : travelling) {
				Class<?> component = value.isArray() ? value.getComponentType() : value;
				if (Modifier.isFinal(component.getModifiers()) && !component.isPrimitive()
						&& Serializable.class.isAssignableFrom(component) && !allowed.test(component)) {
					String pkg = component.getPackageName();
					problems.add(method.getDeclaringClass().getName() + "." + method.getName() + " sends or returns "
							+ component.getName() + ", which mp's serialization allow-list refuses: add "
							+ (pkg.isEmpty() ? component.getName() : pkg + ".**")
							+ " to mp.serialization.allowed-classes if it is safe to deserialize");
				}
			}
		});
		return problems;
	}

	/** The pools the class's {@code @WorkerProcess} methods use (fresh-JVM methods use none). */
	static Set<String> pools(Class<?> type) {
		Set<String> pools = new LinkedHashSet<>();
		ReflectionUtils.doWithMethods(type, (method) -> {
			WorkerProcess annotation = find(method, type);
			if (annotation != null && !annotation.fresh()) {
				pools.add(annotation.pool());
			}
		});
		return pools;
	}

	/**
	 * Checks every {@code @WorkerProcess} method of a bean class.
	 * @return the problems found, each naming its method; empty if none
	 */
	static List<String> problems(Class<?> type) {
		List<String> problems = new ArrayList<>();
		boolean onClass = AnnotatedElementUtils.hasAnnotation(type, WorkerProcess.class);
		if (Modifier.isFinal(type.getModifiers())) {
			problems.add(type.getName() + " is final, so mp cannot proxy its @WorkerProcess methods");
		}
		ReflectionUtils.doWithMethods(type, (method) -> {
			boolean annotated = AnnotatedElementUtils.hasAnnotation(method, WorkerProcess.class);
			if (annotated || (onClass && coveredByClassAnnotation(method, type))) {
				check(method, find(method, type), problems);
			}
		});
		return problems;
	}

	private static void check(Method method, WorkerProcess annotation, List<String> problems) {
		String name = method.getDeclaringClass().getName() + "." + method.getName();
		int modifiers = method.getModifiers();
		if (Modifier.isStatic(modifiers)) {
			problems.add(name + " is static: only bean methods can run in a worker");
			return;
		}
		if (!Modifier.isPublic(modifiers) || Modifier.isFinal(modifiers)) {
			problems.add(name + " must be public and not final for mp to run it in a worker");
			return;
		}
		Class<?> returnType = method.getReturnType();
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)) {
			if (!returnType.isAssignableFrom(CompletableFuture.class)) {
				problems.add(name + " returns " + returnType.getName()
						+ ": a worker method returns T, void, CompletableFuture<T> or Future<T>");
			}
		}
		else if (returnsFlux(method)) {
			if (annotation.fresh()) {
				problems.add(name + " returns a Flux, whose elements stream from a pool's worker: it cannot be fresh");
			}
		}
		else if (!returnsMono(method) && cannotTravel(returnType)) {
			problems.add(name + " returns " + returnType.getName() + ", which cannot be sent back from another "
					+ "process: return a Serializable value (a List instead of a Stream, a value instead of Optional), "
					+ "or a Mono or Flux of them");
		}
		Class<?>[] parameters = method.getParameterTypes();
		for (int i = 0; i < parameters.length; i++) {
			if (cannotTravel(parameters[i])) {
				problems.add(name + " takes a " + parameters[i].getName() + " as argument " + i
						+ ", which cannot be sent to another process: pass Serializable values");
			}
		}
	}

	private static boolean cannotTravel(Class<?> type) {
		if (type.isPrimitive() || type == Object.class) {
			return false;
		}
		if (type == Optional.class || BaseStream.class.isAssignableFrom(type) || Iterator.class.isAssignableFrom(type)
				|| java.io.InputStream.class.isAssignableFrom(type) || java.io.OutputStream.class.isAssignableFrom(type)
				|| java.io.Reader.class.isAssignableFrom(type) || java.io.Writer.class.isAssignableFrom(type)) {
			return true;
		}
		for (String unsupported : UNSUPPORTED_RETURN_TYPES) {
			if (type.getName().equals(unsupported) || ClassUtils.getAllInterfacesForClassAsSet(type)
				.stream()
				.anyMatch((implemented) -> implemented.getName().equals(unsupported))) {
				return true;
			}
		}
		Class<?> component = type.isArray() ? type.getComponentType() : type;
		// an interface or open class may have serializable implementations; a final one we can judge now
		return Modifier.isFinal(component.getModifiers()) && !component.isPrimitive()
				&& !Serializable.class.isAssignableFrom(component);
	}

}

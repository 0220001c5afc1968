package dev.mp.internal.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which classes may be deserialized. Patterns, as in {@code jdk.serialFilter}: {@code com.acme.Type} (one class),
 * {@code com.acme.*} (a package), {@code com.acme.**} (a package and its sub-packages), {@code com.acme.Prefix*} (names
 * starting with a prefix). Arrays are judged by their component type; primitives are always allowed.
 * <p>
 * The defaults are JDK value types (lang, util and util.concurrent, time, math), exceptions of {@code java.*}
 * packages, and mp's own classes; the application adds its own packages.
 */
public final class ClassAllowList {

	/** The patterns every allow-list starts from. */
	public static final List<String> DEFAULTS = List.of("java.lang.*", "java.lang.invoke.SerializedLambda",
			"java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*", "java.time.**", "java.math.*",
			"java.net.URI", "java.sql.Date", "java.sql.Time", "java.sql.Timestamp", "dev.mp.**");

	private final List<String> patterns;

	private ClassAllowList(Collection<String> patterns) {
		this.patterns = List.copyOf(new LinkedHashSet<>(patterns));
	}

	/** The defaults plus the given patterns. */
	public static ClassAllowList withDefaults(Collection<String> extraPatterns) {
		List<String> all = new ArrayList<>(DEFAULTS);
		all.addAll(extraPatterns);
		return new ClassAllowList(all);
	}

	/** Exactly the given patterns. */
	public static ClassAllowList of(Collection<String> patterns) {
		return new ClassAllowList(patterns);
	}

	public List<String> patterns() {
		return this.patterns;
	}

	public boolean allows(Class<?> type) {
		Class<?> component = type;
		while (component.isArray()) {
			component = component.getComponentType();
		}
		if (component.isPrimitive()) {
			return true;
		}
		String name = component.getName();
		// exceptions of the core JDK packages carry only messages, causes and stacks; javax.* ones (such as
		// javax.management's BadAttributeValueExpException) may do more while being read
		if (Throwable.class.isAssignableFrom(component) && name.startsWith("java.")) {
			return true;
		}
		return allows(name);
	}

	/**
	 * {@link #allows(Class)} for a class not loaded yet, by its binary name: only a {@code java.*} class the patterns
	 * refuse is loaded (not initialized, from the platform's loader) to see whether it is an exception.
	 */
	public boolean allowsNamed(String className) {
		if (allows(className)) {
			return true;
		}
		if (!className.startsWith("java.")) {
			return false;
		}
		try {
			return Throwable.class
				.isAssignableFrom(Class.forName(className, false, ClassLoader.getPlatformClassLoader()));
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	public boolean allows(String className) {
		for (String pattern : this.patterns) {
			if (matches(pattern, className)) {
				return true;
			}
		}
		return false;
	}

	private static boolean matches(String pattern, String className) {
		if (pattern.endsWith(".**")) {
			return className.startsWith(pattern.substring(0, pattern.length() - 2));
		}
		if (pattern.endsWith(".*")) {
			String pkg = pattern.substring(0, pattern.length() - 1);
			return className.startsWith(pkg) && className.indexOf('.', pkg.length()) < 0;
		}
		if (pattern.endsWith("*")) {
			return className.startsWith(pattern.substring(0, pattern.length() - 1));
		}
		return className.equals(pattern);
	}

	@Override
	public String toString() {
		return String.join(";", this.patterns);
	}

}

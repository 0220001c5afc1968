package dev.mp.internal.call;

import java.util.Map;

/** {@code Class.forName} that also knows primitive type names, as method signatures need. */
final class ClassUtilsLite {

	private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
			"char", char.class, "short", short.class, "int", int.class, "long", long.class, "float", float.class,
			"double", double.class, "void", void.class);

	private ClassUtilsLite() {
	}

	public static Class<?> forName(String name, ClassLoader loader) throws ClassNotFoundException {
		Class<?> primitive = PRIMITIVES.get(name);
		return (primitive != null) ? primitive : Class.forName(name, false, loader);
	}

}

package dev.mp.codec.fory;

import java.io.IOException;
import java.io.InputStream;

/**
 * Loads its own copy of the classes of {@code com.example.gadget}, so that a test can make and encode gadgets without
 * the tests' loader ever loading them.
 */
final class GadgetLoader extends ClassLoader {

	private static final String GADGETS = "com.example.gadget.";

	GadgetLoader() {
		super(GadgetLoader.class.getClassLoader());
	}

	/** A new instance of a gadget class (its simple name), or what its static {@code task()} returns. */
	static Object make(String simpleName) throws ReflectiveOperationException {
		Class<?> type = Class.forName(GADGETS + simpleName, true, new GadgetLoader());
		return simpleName.endsWith("Tasks") ? type.getMethod("task").invoke(null)
				: type.getConstructor().newInstance();
	}

	@Override
	protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
		if (!name.startsWith(GADGETS)) {
			return super.loadClass(name, resolve);
		}
		synchronized (getClassLoadingLock(name)) {
			Class<?> loaded = findLoadedClass(name);
			if (loaded != null) {
				return loaded;
			}
			try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
				if (in == null) {
					throw new ClassNotFoundException(name);
				}
				byte[] bytes = in.readAllBytes();
				return defineClass(name, bytes, 0, bytes.length);
			}
			catch (IOException ex) {
				throw new ClassNotFoundException(name, ex);
			}
		}
	}

}

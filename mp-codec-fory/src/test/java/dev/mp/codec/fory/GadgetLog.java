package dev.mp.codec.fory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the gadgets of {@code com.example.gadget} record that their code ran, with the loader of the class that ran
 * it: the tests load a copy of them in a loader of their own to encode them, and look for what ran in the tests' loader.
 */
public final class GadgetLog {

	private static final List<String> ran = new CopyOnWriteArrayList<>();

	private GadgetLog() {
	}

	public static void ran(Class<?> gadget, String what) {
		if (gadget.getClassLoader() == GadgetLog.class.getClassLoader()) {
			ran.add(gadget.getSimpleName() + " " + what);
		}
	}

	/** What ran of the gadgets that the tests' own loader loaded. */
	static List<String> ranInTheTestsLoader() {
		return List.copyOf(ran);
	}

}

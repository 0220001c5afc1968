package com.example.gadget;

import dev.mp.SerializableCallable;
import dev.mp.codec.fory.GadgetLog;

/** A class not on the allow-list that captures a lambda: decoding the lambda would run its code. */
public final class GadgetTasks {

	static {
		GadgetLog.ran(GadgetTasks.class, "static initializer");
	}

	private GadgetTasks() {
	}

	public static SerializableCallable<String> task() {
		return () -> "ran a gadget's lambda";
	}

}

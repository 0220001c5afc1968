package com.example.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

import dev.mp.codec.fory.GadgetLog;

/**
 * A class that is not on the allow-list and records every way decoding could run its code: its static initializer,
 * its constructor, {@code readObject} and {@code readResolve}.
 */
public class Gadget implements Serializable {

	private static final long serialVersionUID = 1L;

	static {
		GadgetLog.ran(Gadget.class, "static initializer");
	}

	private String command = "rm -rf /";

	public Gadget() {
		GadgetLog.ran(Gadget.class, "constructor");
	}

	private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
		GadgetLog.ran(Gadget.class, "readObject");
		in.defaultReadObject();
	}

	private Object readResolve() {
		GadgetLog.ran(Gadget.class, "readResolve");
		return this;
	}

	@Override
	public String toString() {
		GadgetLog.ran(Gadget.class, "toString");
		return "Gadget " + this.command;
	}

}

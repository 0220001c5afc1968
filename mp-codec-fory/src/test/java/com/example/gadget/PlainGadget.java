package com.example.gadget;

import dev.mp.codec.fory.GadgetLog;

/** A gadget without a serial form of its own, as Fory would write a plain class field by field. */
public class PlainGadget {

	static {
		GadgetLog.ran(PlainGadget.class, "static initializer");
	}

	private int armed = 1;

	public PlainGadget() {
		GadgetLog.ran(PlainGadget.class, "constructor");
	}

	@Override
	public int hashCode() {
		GadgetLog.ran(PlainGadget.class, "hashCode");
		return this.armed;
	}

	@Override
	public boolean equals(Object other) {
		GadgetLog.ran(PlainGadget.class, "equals");
		return other == this;
	}

}

package dev.mp.bench.floor;

/** The bare-JVM floor: a main that does nothing, so start-to-exit is pure JVM start-up and shutdown. */
public final class EmptyMain {

	private EmptyMain() {
	}

	public static void main(String[] args) {
	}

}

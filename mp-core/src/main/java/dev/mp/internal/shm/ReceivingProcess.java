package dev.mp.internal.shm;

import dev.mp.spi.Codec;

/**
 * How shared objects received in this process decode their messages: set by mp's child runtime at start. A class of
 * its own, with nothing to initialize, so that a worker that never receives a shared object pays nothing for it.
 */
public final class ReceivingProcess {

	private static volatile Codec codec;

	private static volatile ClassLoader classLoader;

	private ReceivingProcess() {
	}

	/**
	 * Sets how this worker decodes messages of the shared objects it receives.
	 * @param workerCodec the worker's codec
	 * @param workerClassLoader the worker's application class loader
	 */
	public static void use(Codec workerCodec, ClassLoader workerClassLoader) {
		codec = workerCodec;
		classLoader = workerClassLoader;
	}

	/** The codec set by {@link #use}, or {@code null} outside a worker. */
	public static Codec codec() {
		return codec;
	}

	/** The class loader set by {@link #use}, or {@code null} outside a worker. */
	public static ClassLoader classLoader() {
		return classLoader;
	}

}

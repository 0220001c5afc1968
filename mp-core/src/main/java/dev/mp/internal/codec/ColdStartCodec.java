package dev.mp.internal.codec;

import java.util.concurrent.Executor;

import dev.mp.ClassRefusedException;
import dev.mp.SerializationException;
import dev.mp.spi.Codec;

/**
 * A provider's codec with the JDK codec beside it, for a JVM that has not built the provider's codec yet: it writes
 * with the JDK codec until then (with the provider's when the JDK codec cannot carry a value), with the provider's
 * once it is built, and reads either's bytes, told apart by JDK serialization's stream magic, which a provider's codec
 * never writes first. So a new worker answers its first calls without waiting for the build, and its parent decodes
 * those answers with the JDK codec behind the same allow-list. Whoever made it starts the build when it suits
 * ({@link #startBuild}); bytes in the provider's form, or a value the JDK codec cannot carry, wait for it.
 */
public final class ColdStartCodec implements Codec {

	private final BackgroundCodec provided;

	private final Codec java;

	/** Whether a value went with the JDK codec for want of the provider's. */
	private volatile boolean used;

	/**
	 * @param provided the provider's codec
	 * @param java the JDK codec, with the allow-list and limits of this side
	 */
	public ColdStartCodec(BackgroundCodec provided, Codec java) {
		this.provided = provided;
		this.java = java;
	}

	/** Whether the provider's codec is built, so that this codec writes with it. */
	public boolean isBuilt() {
		return this.provided.ifBuilt() != null;
	}

	/** Whether a value went with the JDK codec because the provider's was not built: it is needed here. */
	public boolean wasUsed() {
		return this.used;
	}

	/** Starts building the provider's codec on {@code executor}, unless its build has started. */
	public void startBuild(Executor executor) {
		this.provided.start(executor);
	}

	@Override
	public byte[] encode(Object value) {
		Codec built = this.provided.ifBuilt();
		if (built != null) {
			return built.encode(value);
		}
		this.used = true;
		try {
			return this.java.encode(value);
		}
		catch (ClassRefusedException ex) {
			throw ex;
		}
		catch (SerializationException ex) {
			// not Serializable, or too large in that form: the provider's codec may carry it
			return this.provided.encode(value);
		}
	}

	@Override
	public Object decode(byte[] bytes, ClassLoader classLoader) {
		if (inJdkForm(bytes, 0)) {
			this.used = true;
			return this.java.decode(bytes, classLoader);
		}
		return this.provided.decode(bytes, classLoader);
	}

	/** Whether the bytes from {@code offset} on begin as JDK serialization's do ({@code 0xACED}). */
	public static boolean inJdkForm(byte[] bytes, int offset) {
		return bytes.length >= offset + 2 && bytes[offset] == (byte) 0xAC && bytes[offset + 1] == (byte) 0xED;
	}

}

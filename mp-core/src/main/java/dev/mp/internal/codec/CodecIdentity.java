package dev.mp.internal.codec;

import dev.mp.spi.CodecProvider;

/**
 * What a parent tells its workers of its codec, so that each finds the same one at once: its name, its provider's
 * class (loaded by name, since looking providers up as services opens every jar of the class path, tens of
 * milliseconds of a worker's start) and its stamp, which the worker's provider must give too.
 *
 * @param name the codec's name ({@link CodecChoice#JAVA} for the JDK codec)
 * @param provider the binary name of its {@link CodecProvider}'s class, or {@code ""} for the JDK codec
 * @param stamp the provider's stamp, or {@code ""} for the JDK codec
 */
public record CodecIdentity(String name, String provider, String stamp) {

	/** The JDK codec, which every worker has. */
	public static final CodecIdentity JAVA = new CodecIdentity(CodecChoice.JAVA, "", "");

	public boolean isJava() {
		return this.provider.isEmpty();
	}

	/**
	 * The provider of this codec in this JVM.
	 * @throws IllegalStateException if this JVM does not have it, or has another build of it (another stamp)
	 */
	public CodecProvider provider(ClassLoader classLoader) {
		CodecProvider provider;
		try {
			provider = (CodecProvider) Class.forName(this.provider, true, classLoader).getConstructor().newInstance();
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("its provider " + this.provider + " is not on this class path", ex);
		}
		catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
			throw new IllegalStateException("its provider " + this.provider + " cannot be made here: " + ex, ex);
		}
		if (!provider.name().equals(this.name) || !provider.stamp().equals(this.stamp)) {
			throw new IllegalStateException("this JVM has another build of it ('" + provider.name() + "', "
					+ provider.stamp() + ")");
		}
		return provider;
	}

	@Override
	public String toString() {
		return isJava() ? "'" + this.name + "'" : "'" + this.name + "' (" + this.stamp + ")";
	}

}

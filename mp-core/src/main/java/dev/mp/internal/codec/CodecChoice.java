package dev.mp.internal.codec;

import java.util.ServiceLoader;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.mp.spi.CodecProvider;

/**
 * The codec values travel with, one per template: mp's JDK codec ({@value #JAVA}), or one a {@link CodecProvider} on
 * the class path offers by name, found with {@link ServiceLoader}. Unless told otherwise a template takes the fast
 * codec ({@value #FAST}) when its module is there, else the JDK codec.
 *
 * @param name the name both sides use
 * @param provider the codec's provider, or {@code null} for the JDK codec
 */
public record CodecChoice(String name, @Nullable CodecProvider provider) {

	/** mp's own codec: JDK serialization behind the allow-list. */
	public static final String JAVA = "java";

	/** The codec a template takes when its provider is on the class path and no other is named. */
	public static final String FAST = "fory";

	/** The JDK codec. */
	public static final CodecChoice JAVA_CODEC = new CodecChoice(JAVA, null);

	/**
	 * The codec of that name, or when {@code name} is {@code null} the fast one if it is there, else the JDK codec.
	 * @throws IllegalArgumentException if no provider has that name
	 */
	public static CodecChoice of(@Nullable String name, ClassLoader classLoader) {
		if (JAVA.equals(name)) {
			return JAVA_CODEC;
		}
		String wanted = (name != null) ? name : FAST;
		TreeSet<String> known = new TreeSet<>();
		known.add(JAVA);
		for (CodecProvider provider : ServiceLoader.load(CodecProvider.class, classLoader)) {
			if (provider.name().equals(wanted)) {
				return new CodecChoice(wanted, provider);
			}
			known.add(provider.name());
		}
		if (name == null) {
			return JAVA_CODEC;
		}
		throw new IllegalArgumentException("No codec named '" + name + "' on the class path; known: " + known
				+ ((FAST.equals(name)) ? " (the module mp-codec-fory brings it)" : ""));
	}

	/** What a worker is told of this codec, to find the same one. */
	public CodecIdentity identity() {
		return (this.provider != null)
				? new CodecIdentity(this.name, this.provider.getClass().getName(), this.provider.stamp())
				: CodecIdentity.JAVA;
	}

}

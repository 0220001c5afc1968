package dev.mp.spi;

import java.util.function.Predicate;

/**
 * What mp hands a {@link CodecProvider}: its security model and limits, which every codec must keep, in API types
 * only. A provider's codec instantiates no class that {@code allowedClasses} refuses, and refuses it with
 * {@link dev.mp.ClassRefusedException} and {@code howToAllow}; values it cannot carry itself it hands to
 * {@code fallback}, which carries every value mp could ever send.
 *
 * @param allowedClasses whether a class may be encoded and decoded, by its binary name (never an array's: a codec
 * judges an array by its component type, and primitives always pass); asked before the class is loaded
 * @param howToAllow what a user does to allow a refused class; ends the refusal message
 * @param maxBytes the largest encoded value, in bytes, either way
 * @param fallback the codec for values this one cannot carry (mp's JDK serialization, behind the same allow-list)
 * @param classLoader the loader values are usually decoded with, so that the codec can be ready for it before the
 * first call
 */
public record CodecSettings(Predicate<String> allowedClasses, String howToAllow, long maxBytes, Codec fallback,
		ClassLoader classLoader) {

	public CodecSettings {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
		}
	}

}

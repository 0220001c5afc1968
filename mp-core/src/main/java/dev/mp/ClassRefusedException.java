package dev.mp;

/**
 * A class is not on the serialization allow-list, so it was not materialised (decoding) or sent (encoding). Names the
 * class and how to allow it.
 */
public class ClassRefusedException extends SerializationException {

	private final String className;

	public ClassRefusedException(String className, String howToAllow) {
		super("Class " + className + " is not on mp's serialization allow-list, so it was refused; if it is yours and "
				+ "safe to deserialize, " + howToAllow + " (for example " + suggestedPattern(className) + ")", null);
		this.className = className;
	}

	/** The refused class, binary name. */
	public String className() {
		return this.className;
	}

	private static String suggestedPattern(String className) {
		int dot = className.lastIndexOf('.');
		return (dot > 0) ? className.substring(0, dot) + ".**" : className;
	}

}

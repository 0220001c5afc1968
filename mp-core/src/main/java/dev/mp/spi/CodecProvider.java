package dev.mp.spi;

import java.util.List;

/**
 * A codec that mp finds on the class path with {@link java.util.ServiceLoader}, so that a faster one than JDK
 * serialization can live in a module of its own (and bring its own dependencies) while mp-core needs none. Both sides
 * of a call must use the codec of the same name.
 */
public interface CodecProvider {

	/** The name the codec is chosen by ({@code mp.serialization.codec}) and that both sides compare. */
	String name();

	/**
	 * What both sides must agree on besides the name: the codec's format and the version of what it is built on. Cheap:
	 * mp asks it of a worker's provider before the codec is built, so that a worker of another build fails its start
	 * rather than its calls.
	 */
	String stamp();

	/**
	 * Builds a codec. It may take a while (loading classes, generating code), so mp calls it once per template or
	 * worker, off a call's path where it can; until it is built, values go with the JDK codec. The codec's bytes must
	 * never begin as JDK serialization's do ({@code 0xACED}), by which mp tells the two apart.
	 */
	Codec create(CodecSettings settings);

	/**
	 * JVM options a worker needs for this codec on a Java of that feature version (17, 21, 25...), which mp puts
	 * before the application's own; none by default.
	 */
	default List<String> workerJvmOptions(int javaFeatureVersion) {
		return List.of();
	}

}

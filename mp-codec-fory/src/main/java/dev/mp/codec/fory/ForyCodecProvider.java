package dev.mp.codec.fory;

import java.util.List;

import org.apache.fory.Fory;

import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/**
 * Makes {@link ForyCodec} known to mp, which finds it with {@link java.util.ServiceLoader}, by the name {@code fory}.
 * Its codecs use Fory's interpreted serializers: a warm round trip of the order takes about 12 µs instead of 9
 * with generated ones (JDK serialization: 137), but a class seen for the first time costs about 3 ms instead of 40 to
 * 70, and the first round trip in a JVM 75 ms instead of 340, in every worker.
 */
public final class ForyCodecProvider implements CodecProvider {

	/**
	 * The Fory this module is built and tested with (the build's {@code fory.version}; a test holds them together). A
	 * constant, so that a worker compares stamps on its way to ready without loading a class of Fory or opening its
	 * jar: {@code Fory} loaded there put 117 of Fory's classes into a Java 25 worker's ahead-of-time cache, all loaded
	 * at every start, and reading its jar's manifest instead cost a worker 7 ms of CPU and 1.2 MiB.
	 */
	static final String FORY_VERSION = "1.6.0";

	/**
	 * Changes with Fory's version and with this codec's format, whose number goes up when its options change. Here,
	 * not in {@link ForyCodec}, so that a worker compares it without setting up that class (and its logging).
	 */
	static final String STAMP = "fory " + FORY_VERSION + ", mp format 1";

	@Override
	public String name() {
		return "fory";
	}

	@Override
	public String stamp() {
		return STAMP;
	}

	/**
	 * @throws IllegalStateException if the class path has another Fory than this module's, which the stamp would not
	 * tell apart
	 */
	@Override
	public Codec create(CodecSettings settings) {
		String found = Fory.class.getPackage().getImplementationVersion();
		if (found != null && !found.equals(FORY_VERSION)) {
			throw new IllegalStateException("mp-codec-fory is built for Fory " + FORY_VERSION + ", but the class path "
					+ "has Fory " + found + ": use the fory-core version mp-codec-fory depends on");
		}
		return new ForyCodec(settings, false);
	}

	/**
	 * From Java 24 the JVM warns on stderr, four lines in every worker, at the first use of {@code sun.misc.Unsafe}'s
	 * memory access, which Fory makes; the option (known from Java 23) lets it be.
	 */
	@Override
	public List<String> workerJvmOptions(int javaFeatureVersion) {
		return (javaFeatureVersion >= 24) ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of();
	}

}

package dev.mp.internal.codec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializationException;
import dev.mp.spi.Codec;

/**
 * A codec built in the background, so that whoever makes it does not wait for the build (a fast codec takes 50 to 200
 * ms to build in a fresh JVM): the first encode or decode waits for what is left of it. A build that failed fails
 * every use with its reason.
 */
public final class BackgroundCodec implements Codec {

	private final String what;

	private final CompletableFuture<Codec> building = new CompletableFuture<>();

	private volatile @Nullable Codec built;

	/**
	 * Starts the build.
	 * @param what the codec's name, for a failure's message
	 * @param build builds the codec
	 * @param executor where the build runs (see {@link #OWN_THREAD})
	 */
	public BackgroundCodec(String what, Supplier<Codec> build, Executor executor) {
		this.what = what;
		executor.execute(() -> {
			try {
				Codec codec = build.get();
				this.built = codec;
				this.building.complete(codec);
			}
			catch (Throwable ex) {
				this.building.completeExceptionally(ex);
			}
		});
	}

	/** Runs a build on a daemon thread of its own. */
	public static final Executor OWN_THREAD = (build) -> {
		Thread thread = new Thread(build, "mp-codec-build");
		thread.setDaemon(true);
		thread.start();
	};

	/** The codec, once built. */
	public Codec codec() {
		Codec codec = this.built;
		if (codec != null) {
			return codec;
		}
		try {
			// not interruptible: a cancelled call still has to write its answer
			return this.building.join();
		}
		catch (CompletionException ex) {
			throw new SerializationException("The codec '" + this.what + "' could not be built: " + ex.getCause(),
					ex.getCause());
		}
	}

	@Override
	public byte[] encode(Object value) {
		return codec().encode(value);
	}

	@Override
	public Object decode(byte[] bytes, ClassLoader classLoader) {
		return codec().decode(bytes, classLoader);
	}

}

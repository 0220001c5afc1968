package dev.mp.internal.codec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializationException;
import dev.mp.spi.Codec;

/**
 * A codec built in the background, so that whoever makes it does not wait for the build (a fast codec takes 50 to 200
 * ms to build in a fresh JVM): the first encode or decode waits for what is left of it; or built at its first use
 * ({@link #onFirstUse}), so that a JVM that never needs it never pays for it. A build that failed fails every use with
 * its reason.
 */
public final class BackgroundCodec implements Codec {

	private final String what;

	private final CompletableFuture<Codec> building = new CompletableFuture<>();

	private volatile @Nullable Codec built;

	/** The build, until the first use takes it; {@code null} for a build started at once. */
	private final AtomicReference<@Nullable Runnable> deferred = new AtomicReference<>();

	/**
	 * Starts the build.
	 * @param what the codec's name, for a failure's message
	 * @param build builds the codec
	 * @param executor where the build runs (see {@link #OWN_THREAD})
	 */
	public BackgroundCodec(String what, Supplier<Codec> build, Executor executor) {
		this.what = what;
		executor.execute(() -> build(build));
	}

	private BackgroundCodec(String what) {
		this.what = what;
	}

	/** A codec built on the thread that first encodes or decodes with it, the others waiting for it. */
	public static BackgroundCodec onFirstUse(String what, Supplier<Codec> build) {
		BackgroundCodec codec = new BackgroundCodec(what);
		codec.deferred.set(() -> codec.build(build));
		return codec;
	}

	private void build(Supplier<Codec> build) {
		try {
			Codec codec = build.get();
			this.built = codec;
			this.building.complete(codec);
		}
		catch (Throwable ex) {
			this.building.completeExceptionally(ex);
		}
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
		Runnable build = this.deferred.getAndSet(null);
		if (build != null) {
			build.run();
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

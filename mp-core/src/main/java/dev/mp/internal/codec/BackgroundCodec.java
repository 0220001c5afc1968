package dev.mp.internal.codec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializationException;
import dev.mp.spi.Codec;

/**
 * A codec built in the background, so that whoever makes it does not wait for the build (a fast codec takes 50 to 200
 * ms to build in a fresh JVM): the first encode or decode waits for what is left of it; or built on demand
 * ({@link #onDemand}), so that a JVM that never needs it never pays for it. A build that failed fails every use with
 * its reason.
 */
public final class BackgroundCodec implements Codec {

	private final String what;

	private final Supplier<Codec> build;

	private final CompletableFuture<Codec> building = new CompletableFuture<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile @Nullable Codec built;

	private BackgroundCodec(String what, Supplier<Codec> build) {
		this.what = what;
		this.build = build;
	}

	/**
	 * Starts the build.
	 * @param what the codec's name, for a failure's message
	 * @param build builds the codec
	 * @param executor where the build runs (see {@link #OWN_THREAD})
	 */
	public BackgroundCodec(String what, Supplier<Codec> build, Executor executor) {
		this(what, build);
		start(executor);
	}

	/**
	 * A codec built once asked: in the background from {@link #start}, or on the thread that first encodes or decodes
	 * with it if nothing started it before, the others waiting for it.
	 */
	public static BackgroundCodec onDemand(String what, Supplier<Codec> build) {
		return new BackgroundCodec(what, build);
	}

	/** Starts the build on {@code executor}, unless it has started. */
	public void start(Executor executor) {
		if (this.started.compareAndSet(false, true)) {
			executor.execute(this::build);
		}
	}

	private void build() {
		try {
			Codec codec = this.build.get();
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

	/** The codec if it is built by now, without waiting; {@code null} while it is not. */
	public @Nullable Codec ifBuilt() {
		return this.built;
	}

	/** The codec, once built. */
	public Codec codec() {
		Codec codec = this.built;
		if (codec != null) {
			return codec;
		}
		start(Runnable::run);
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

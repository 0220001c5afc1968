package dev.mp.internal.worker;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.codec.BackgroundCodec;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.codec.ColdStartCodec;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/**
 * The worker's codec, the one its parent names in the bootstrap block. The JDK codec is at hand at once; a provider's
 * is loaded in the background from the JVM's start, so that the way to ready waits only for the provider, and its codec
 * is built in the background once the worker has answered its first call that needed it, the JDK codec answering
 * meanwhile (see {@link ColdStartCodec}): a worker that only answers mp's compact calls, or stays idle, never pays for
 * the build (measured with Fory: 50 to 90 ms of CPU, and 10 MiB resident), and one that does answers its first calls
 * without waiting for it or competing with it. A one-shot worker builds it only if a value needs it. The worker trusts
 * its authenticated parent, which checks every class against its allow-list both ways: here every class passes, and the
 * size limit holds.
 */
final class WorkerCodec {

	private static final String HOW_TO_ALLOW = "allow it in the parent's serialization allow-list";

	private final Codec codec;

	/** The codec when it is a provider's, or {@code null} for the JDK codec. */
	private final @Nullable ColdStartCodec provided;

	/** Whether its build starts after an answer that needed it, rather than only for a value that waits for it. */
	private final boolean buildAfterUse;

	/** Completed once the provider is loaded: why this worker cannot use the parent's codec, or {@code null}. */
	private final CompletableFuture<@Nullable String> disagreement;

	/** Whether the parent has been told that the provider's codec is built (see {@link #builtUntold()}). */
	private final AtomicBoolean toldBuilt = new AtomicBoolean();

	private WorkerCodec(Codec codec, @Nullable ColdStartCodec provided, boolean buildAfterUse,
			CompletableFuture<@Nullable String> disagreement) {
		this.codec = codec;
		this.provided = provided;
		this.buildAfterUse = buildAfterUse;
		this.disagreement = disagreement;
	}

	/**
	 * Starts finding the codec the bootstrap block names; it is built once an answer needed it.
	 * @param executor where the provider is looked up
	 * @param build whether to build it then; not in a training child, whose class-data archive an ahead-of-time cache
	 * (Java 25) loads whole at every worker's start: Fory's 560 classes there made a plain worker's start about half as
	 * long again, to save its background build the loading of them
	 */
	static WorkerCodec start(BootstrapConfig config, ClassLoader classLoader, Executor executor, boolean build) {
		JavaSerializationCodec java = trustingJava(config.maxFrameBytes());
		if (config.codec().isJava()) {
			return new WorkerCodec(java, null, false, CompletableFuture.completedFuture(null));
		}
		CompletableFuture<@Nullable String> disagreement = new CompletableFuture<>();
		CompletableFuture<CodecProvider> found = new CompletableFuture<>();
		executor.execute(() -> {
			try {
				found.complete(provider(config.codec(), classLoader, disagreement));
			}
			catch (Throwable ex) {
				found.completeExceptionally(ex);
			}
		});
		BackgroundCodec provided = BackgroundCodec.onDemand(config.codec().name(),
				() -> found.join().create(trusting(config.maxFrameBytes(), java, classLoader)));
		ColdStartCodec codec = new ColdStartCodec(provided, java);
		return new WorkerCodec(codec, codec, build && !config.end().oneShot(), disagreement);
	}

	/**
	 * The codec a worker of the parent's would have, for a call run in the parent's own JVM: the provider is the
	 * parent's, at hand.
	 */
	static Codec inPlace(CodecChoice choice, int maxFrameBytes, ClassLoader classLoader) {
		JavaSerializationCodec java = trustingJava(maxFrameBytes);
		CodecProvider provider = choice.provider();
		return (provider != null)
				? BackgroundCodec.onDemand(choice.name(),
						() -> provider.create(trusting(maxFrameBytes, java, classLoader)))
				: java;
	}

	private static JavaSerializationCodec trustingJava(int maxFrameBytes) {
		return new JavaSerializationCodec(ClassAllowList.of(List.of("*")), HOW_TO_ALLOW, maxFrameBytes);
	}

	private static CodecSettings trusting(int maxFrameBytes, Codec java, ClassLoader classLoader) {
		return new CodecSettings((name) -> true, HOW_TO_ALLOW, maxFrameBytes, java, classLoader);
	}

	/** The provider of the parent's codec, after telling {@code disagreement} whether this worker has the same. */
	private static CodecProvider provider(CodecIdentity codec, ClassLoader classLoader,
			CompletableFuture<@Nullable String> disagreement) {
		try {
			CodecProvider provider = codec.provider(classLoader);
			disagreement.complete(null);
			return provider;
		}
		catch (RuntimeException | LinkageError ex) {
			// whatever it is, the runtime waiting for the answer must hear it
			String reason = (ex instanceof IllegalStateException) ? ex.getMessage() : ex.toString();
			String message = "the parent's values cross with the codec " + codec + ", which this worker cannot use: "
					+ reason + ". Put the parent's build of that codec's module (mp-codec-fory for 'fory') on "
					+ "the worker's class path, or set mp.serialization.codec=java (ProcessTemplate.builder()"
					+ ".codec(\"java\")) in the parent";
			disagreement.complete(message);
			throw new IllegalStateException(message, ex);
		}
	}

	/** The codec. */
	Codec codec() {
		return this.codec;
	}

	/**
	 * Whether the provider's codec is built and the parent has not been told yet; {@code true} once only, so that it
	 * is told once ({@link dev.mp.internal.wire.FrameType#CODEC_BUILT}).
	 */
	boolean builtUntold() {
		return this.provided != null && this.provided.isBuilt() && !this.toldBuilt.getAndSet(true);
	}

	/**
	 * After an answer: starts building the provider's codec in the background if the calls so far needed it (they went
	 * with the JDK codec), unless this worker answers only once.
	 */
	void answered() {
		if (this.buildAfterUse && this.provided != null && this.provided.wasUsed()) {
			this.provided.startBuild(BackgroundCodec.OWN_THREAD);
		}
	}

	/**
	 * Why this worker cannot use its parent's codec (it does not have it, or has another build of it), or {@code null}
	 * when it can. Waits for the provider, not for the codec's build.
	 */
	@Nullable String disagreement() {
		return this.disagreement.join();
	}

}

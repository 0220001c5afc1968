package dev.mp.internal.worker;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.codec.BackgroundCodec;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/**
 * The worker's codec, the one its parent names in the bootstrap block. The JDK codec is at hand at once; a provider's
 * is loaded in the background from the JVM's start, so that the way to ready waits only for the provider, and its
 * codec is built at its first use: a worker that only answers mp's compact calls, or stays idle, never pays for the
 * build (measured with Fory: 50 to 90 ms of CPU competing with the start on 2 cores, and 10 MiB resident). The worker
 * trusts its authenticated parent, which checks every class against its allow-list both ways: here every class
 * passes, and the size limit holds.
 */
final class WorkerCodec {

	private static final String HOW_TO_ALLOW = "allow it in the parent's serialization allow-list";

	private final Codec codec;

	/** Completed once the provider is loaded: why this worker cannot use the parent's codec, or {@code null}. */
	private final CompletableFuture<@Nullable String> disagreement;

	private WorkerCodec(Codec codec, CompletableFuture<@Nullable String> disagreement) {
		this.codec = codec;
		this.disagreement = disagreement;
	}

	/**
	 * Starts finding the codec the bootstrap block names; it is built at its first use.
	 * @param executor where the provider is looked up
	 */
	static WorkerCodec start(BootstrapConfig config, ClassLoader classLoader, Executor executor) {
		JavaSerializationCodec java = trustingJava(config.maxFrameBytes());
		if (config.codec().isJava()) {
			return new WorkerCodec(java, CompletableFuture.completedFuture(null));
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
		Codec codec = BackgroundCodec.onFirstUse(config.codec().name(),
				() -> found.join().create(trusting(config.maxFrameBytes(), java, classLoader)));
		return new WorkerCodec(codec, disagreement);
	}

	/**
	 * The codec a worker of the parent's would have, for a call run in the parent's own JVM: the provider is the
	 * parent's, at hand.
	 */
	static Codec inPlace(CodecChoice choice, int maxFrameBytes, ClassLoader classLoader) {
		JavaSerializationCodec java = trustingJava(maxFrameBytes);
		CodecProvider provider = choice.provider();
		return (provider != null)
				? BackgroundCodec.onFirstUse(choice.name(),
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

	/** The codec; its first use waits for its build. */
	Codec codec() {
		return this.codec;
	}

	/**
	 * Why this worker cannot use its parent's codec (it does not have it, or has another build of it), or {@code null}
	 * when it can. Waits for the provider, not for the codec's build.
	 */
	@Nullable String disagreement() {
		return this.disagreement.join();
	}

}

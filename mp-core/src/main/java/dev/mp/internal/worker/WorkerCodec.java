package dev.mp.internal.worker;

import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.codec.BackgroundCodec;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/**
 * The worker's codec, the one its parent names in the bootstrap block. The JDK codec is at hand at once; a provider's
 * is looked up and built on a thread of its own from the JVM's start, so that the way to ready waits only for the
 * look-up and the first call for what is left of the build. The worker trusts its authenticated parent, which checks
 * every class against its allow-list both ways: here every class passes, and the size limit holds.
 */
final class WorkerCodec {

	private static final String HOW_TO_ALLOW = "allow it in the parent's serialization allow-list";

	private final Codec codec;

	/** Completed once the provider is looked up: why this worker cannot use the parent's codec, or {@code null}. */
	private final CompletableFuture<@Nullable String> disagreement;

	private WorkerCodec(Codec codec, CompletableFuture<@Nullable String> disagreement) {
		this.codec = codec;
		this.disagreement = disagreement;
	}

	/** Starts looking up and building the codec the bootstrap block names. */
	static WorkerCodec start(BootstrapConfig config, ClassLoader classLoader) {
		JavaSerializationCodec java = new JavaSerializationCodec(ClassAllowList.of(List.of("*")), HOW_TO_ALLOW,
				config.maxFrameBytes());
		if (CodecChoice.JAVA.equals(config.codec())) {
			return new WorkerCodec(java, CompletableFuture.completedFuture(null));
		}
		CompletableFuture<@Nullable String> disagreement = new CompletableFuture<>();
		Codec codec = new BackgroundCodec(config.codec(), () -> {
			CodecProvider provider = provider(config, classLoader, disagreement);
			return provider.create(new CodecSettings((name) -> true, HOW_TO_ALLOW, config.maxFrameBytes(), java,
					classLoader));
		});
		return new WorkerCodec(codec, disagreement);
	}

	/** The provider of the parent's codec, after telling {@code disagreement} whether this worker has the same. */
	private static CodecProvider provider(BootstrapConfig config, ClassLoader classLoader,
			CompletableFuture<@Nullable String> disagreement) {
		String reason;
		try {
			CodecChoice choice = CodecChoice.of(config.codec(), classLoader);
			if (choice.stamp().equals(config.codecStamp())) {
				disagreement.complete(null);
				return Objects.requireNonNull(choice.provider());
			}
			reason = "this worker has another build of it (" + choice.stamp() + ")";
		}
		catch (RuntimeException | LinkageError | ServiceConfigurationError ex) {
			reason = (ex instanceof IllegalArgumentException) ? ex.getMessage() : ex.toString();
		}
		String message = "the parent's values cross with the codec '" + config.codec() + "' (" + config.codecStamp()
				+ "), which this worker cannot use: " + reason + ". Put the parent's build of that codec's module "
				+ "(mp-codec-fory for 'fory') on the worker's class path, or set mp.serialization.codec=java "
				+ "(ProcessTemplate.builder().codec(\"java\")) in the parent";
		disagreement.complete(message);
		throw new IllegalStateException(message);
	}

	/** The codec; its first use waits for its build. */
	Codec codec() {
		return this.codec;
	}

	/**
	 * Why this worker cannot use its parent's codec (it does not have it, or has another build of it), or {@code null}
	 * when it can. Waits for the provider's look-up, not for the codec's build.
	 */
	@Nullable String disagreement() {
		return this.disagreement.join();
	}

}

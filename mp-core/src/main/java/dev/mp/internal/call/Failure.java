package dev.mp.internal.call;

import java.io.Serializable;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.internal.wire.Throwables;

/**
 * The payload of a FAILURE frame: the thrown exception itself when it could be serialized, and always its
 * {@link ThrowableSnapshot} so the parent can stand in for one it cannot read.
 *
 * @param setup {@code true} if the child failed to resolve or prepare the target, not in the user's code
 * @param thrown the serialized exception, or {@code null} if it could not be serialized
 * @param snapshot the exception's facts
 */
public record Failure(boolean setup, byte[] thrown, ThrowableSnapshot snapshot) implements Serializable {

	private static final Logger logger = LoggerFactory.getLogger(Failure.class);

	/**
	 * What the call threw, as it was if it can be read back and trusted, as a stand-in otherwise.
	 * @param decode the codec's decoding
	 */
	public Throwable rebuild(Function<byte[], Object> decode) {
		Throwable decoded = null;
		if (this.thrown != null) {
			try {
				decoded = (Throwable) decode.apply(this.thrown);
			}
			catch (Throwable ex) {
				// the exception class's own readObject may throw anything: the snapshot has its facts
				logger.debug("A call's exception ({}) cannot be read back; using a stand-in: {}",
						this.snapshot.className(), Throwables.describe(ex));
			}
		}
		return this.snapshot.keepIfItAnswers(decoded);
	}

}

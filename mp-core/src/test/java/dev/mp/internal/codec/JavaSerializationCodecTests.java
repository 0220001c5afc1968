package dev.mp.internal.codec;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mp.SerializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The codec's own errors describe what went wrong without trusting the exception a value's {@code writeObject} or
 * {@code readObject} threw: its {@code getMessage()} and {@code toString()} may throw too.
 */
class JavaSerializationCodecTests {

	private final JavaSerializationCodec codec = new JavaSerializationCodec(
			ClassAllowList.withDefaults(List.of("dev.mp.internal.codec.**")), "mp.serialization.allowed-classes", 1 << 20);

	@Test
	void aWriteObjectThrowingAHostileExceptionGivesASerializationExceptionNamingIt() {
		Throwable thrown = catchThrowable(() -> this.codec.encode(new FailsToWrite()));
		// the class first: a failure message about the raw Hostile would itself throw
		assertThat(thrown.getClass()).isEqualTo(SerializationException.class);
		assertThat(thrown).hasMessageContaining("Cannot serialize a " + FailsToWrite.class.getName())
			.hasMessageContaining(Hostile.class.getName() + " (its getMessage() threw");
	}

	@Test
	void aReadObjectThrowingAHostileExceptionGivesASerializationExceptionNamingIt() {
		byte[] bytes = this.codec.encode(new FailsToRead());
		Throwable thrown = catchThrowable(() -> this.codec.decode(bytes, getClass().getClassLoader()));
		assertThat(thrown.getClass()).isEqualTo(SerializationException.class);
		assertThat(thrown).hasMessageContaining("Cannot deserialize: " + Hostile.class.getName() + " (its getMessage() threw");
	}

	/** An exception whose message and text cannot be read. */
	static final class Hostile extends RuntimeException {

		@Override
		public String getMessage() {
			throw new Hostile();
		}

		@Override
		public String toString() {
			throw new Hostile();
		}

	}

	static final class FailsToWrite implements Serializable {

		private void writeObject(ObjectOutputStream out) {
			throw new Hostile();
		}

	}

	static final class FailsToRead implements Serializable {

		private void readObject(ObjectInputStream in) throws IOException {
			throw new Hostile();
		}

	}

}

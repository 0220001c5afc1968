package dev.mp.codec.fory;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.ClassRefusedException;
import dev.mp.PoolOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A new worker answers its first calls through the JDK codec, which its parent sends them in too, and builds the fast
 * codec in the background meanwhile; once it has, calls and answers go through the fast codec. The parent's allow-list
 * refuses a class whichever form the worker's answer has. Which codec read a value, its {@code readObject} tells.
 */
@ExtendWith(NoChildProcessesLeft.class)
class ColdStartIntegrationTests {

	private static final long ANSWER_SECONDS = 30;

	private static final String JDK_STREAM = "dev.mp.internal.codec.JavaSerializationCodec";

	private static final String FORY_STREAM = "org.apache.fory.";

	private final ProcessTemplate template = new ProcessTemplate();

	private final ProcessPool pool = this.template.pool("cold", PoolOptions.builder().size(1).build());

	@AfterEach
	void close() {
		this.template.close();
		assertThat(GadgetLog.ranInTheTestsLoader()).as("gadget code that ran in the tests' loader").isEmpty();
	}

	@Test
	void aNewWorkersFirstCallGoesThroughTheJdkCodecAndLaterOnesThroughTheFastOne() throws Exception {
		Probe first = roundTrip();
		assertThat(first.readInTheWorker).as("the stream the worker read the call with").startsWith(JDK_STREAM);
		assertThat(first.readBy).as("the stream the parent read the answer with").startsWith(JDK_STREAM);
		await().atMost(Duration.ofSeconds(ANSWER_SECONDS)).untilAsserted(() -> {
			Probe later = roundTrip();
			assertThat(later.readInTheWorker).startsWith(FORY_STREAM);
			assertThat(later.readBy).startsWith(FORY_STREAM);
		});
	}

	@Test
	void theParentsAllowListRefusesAClassInTheAnswerOfEitherCodec() throws Exception {
		assertRefused();
		await().atMost(Duration.ofSeconds(ANSWER_SECONDS))
			.untilAsserted(() -> assertThat(roundTrip().readBy).startsWith(FORY_STREAM));
		assertRefused();
	}

	@Test
	void aFreshProcessAnswersThroughTheJdkCodec() throws Exception {
		Probe probe = new Probe();
		Probe back = this.template.submit(() -> probe.answer()).get(ANSWER_SECONDS, TimeUnit.SECONDS);
		assertThat(back.readInTheWorker).startsWith(JDK_STREAM);
		assertThat(back.readBy).startsWith(JDK_STREAM);
	}

	private Probe roundTrip() throws Exception {
		Probe probe = new Probe();
		return this.pool.submit(() -> probe.answer()).get(ANSWER_SECONDS, TimeUnit.SECONDS);
	}

	private void assertRefused() {
		String gadget = "com.example.gadget.Gadget";
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pool.submit(() -> Class.forName(gadget).getConstructor().newInstance())
				.get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(ClassRefusedException.class,
					(refused) -> assertThat(refused.className()).isEqualTo(gadget));
	}

	/** Records the class of the stream that read it, which names the codec. */
	static final class Probe implements Serializable {

		private static final long serialVersionUID = 1L;

		private transient String readBy = "";

		private String readInTheWorker = "";

		/** In the worker: a probe that carries back how this one was read there. */
		Probe answer() {
			Probe answer = new Probe();
			answer.readInTheWorker = this.readBy;
			return answer;
		}

		private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
			in.defaultReadObject();
			this.readBy = in.getClass().getName();
		}

	}

}

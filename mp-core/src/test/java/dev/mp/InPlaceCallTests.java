package dev.mp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mp.spi.BeanCall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProcessTemplate#invokeInPlace}: a bean call run in this JVM, on a thread of its own, through the template's
 * codec both ways (here the JDK codec, mp-core's own), without Spring and without a child JVM.
 */
class InPlaceCallTests {

	private final ProcessTemplate template = new ProcessTemplate();

	private final Bean bean = new Bean();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aCallRunsOnAThreadOfItsOwnAndItsValuesAreCopies() throws Exception {
		List<String> sent = new ArrayList<>(List.of("a"));
		Object back = invoke("echo", sent).get(10, TimeUnit.SECONDS);
		assertThat(back).isEqualTo(sent).isNotSameAs(sent);
		assertThat(this.bean.received).isEqualTo(sent).isNotSameAs(sent).isNotSameAs(back);
		assertThat(this.bean.thread).isNotSameAs(Thread.currentThread());
		assertThat(this.template.children()).isEmpty();
	}

	@Test
	void anArgumentThatIsNotSerializableFailsAtOnce() {
		assertThatThrownBy(() -> invoke("echo", new Object())).isInstanceOf(SerializationException.class)
			.hasMessageContaining("java.lang.Object");
	}

	@Test
	void aResultThatIsNotSerializableFailsTheCall() {
		assertThatThrownBy(() -> invoke("unserializable").get(10, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining("could not be sent back to the caller");
	}

	@Test
	void cancellingTheCallInterruptsIt() throws Exception {
		CompletableFuture<Object> call = invoke("awaitInterrupt");
		assertThat(this.bean.started.await(10, TimeUnit.SECONDS)).isTrue();
		call.cancel(true);
		assertThat(this.bean.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aClosedTemplateRunsNoCall() {
		this.template.close();
		assertThatIllegalStateException().isThrownBy(() -> invoke("echo", "late")).withMessageContaining("closed");
	}

	private CompletableFuture<Object> invoke(String name, Object... arguments) {
		BeanCall call = new BeanCall("bean", Bean.class, Arrays.stream(Bean.class.getMethods())
			.filter((method) -> method.getName().equals(name))
			.findFirst()
			.orElseThrow(), arguments);
		return this.template.invokeInPlace(call, this.bean, null);
	}

	public static class Bean {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch interrupted = new CountDownLatch(1);

		volatile Object received;

		volatile Thread thread;

		public Object echo(Object value) {
			this.received = value;
			this.thread = Thread.currentThread();
			return value;
		}

		public Object unserializable() {
			return new Object();
		}

		public void awaitInterrupt() {
			this.started.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				this.interrupted.countDown();
			}
		}

	}

}

package dev.mp.codec.fory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import dev.mp.ClassRefusedException;
import dev.mp.PoolOptions;
import dev.mp.ProcessOptions;
import dev.mp.ProcessPool;
import dev.mp.ProcessStartException;
import dev.mp.ProcessTemplate;
import dev.mp.RemoteExceptionStandIn;
import dev.mp.SerializationException;
import dev.mp.codec.fory.ForyCodecTests.Dice;
import dev.mp.codec.fory.Order.LineItem;
import dev.mp.internal.worker.WorkerMain;
import dev.mp.sync.Connection;
import dev.mp.sync.Pipe;
import dev.mp.sync.ProcessQueue;
import dev.mp.sync.SharedLong;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The fast codec in real child JVMs, chosen by default because this module is on the class path: the value families
 * both ways through a pool and a fresh process, queues and pipes, the allow-list, hostile exceptions, the fallback, and
 * a worker without the codec.
 */
@ExtendWith(NoChildProcessesLeft.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForyProcessesIntegrationTests {

	private static final long ANSWER_SECONDS = 30;

	private final ProcessTemplate template = new ProcessTemplate();

	private final ProcessPool pool = this.template.pool("fory", PoolOptions.builder().size(1).build());

	@AfterAll
	void close() {
		this.template.close();
	}

	@AfterEach
	void noGadgetRan() {
		assertThat(GadgetLog.ranInTheTestsLoader()).as("gadget code that ran in the tests' loader").isEmpty();
	}

	@Test
	void theTemplateTakesTheFastCodecWhenItsModuleIsThere() {
		assertThat(this.template.codecName()).isEqualTo("fory");
		try (ProcessTemplate java = ProcessTemplate.builder().codec("java").build()) {
			assertThat(java.codecName()).isEqualTo("java");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessTemplate.builder().codec("kryo").build())
			.withMessageContaining("No codec named 'kryo'")
			.withMessageContaining("[fory, java]");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.mp.codec.fory.ForyCodecTests#values")
	void aValueCrossesAPoolBothWays(String family, Object value) throws Exception {
		Object back = this.pool.submit(() -> value).get(ANSWER_SECONDS, TimeUnit.SECONDS);
		ForyCodecTests.assertSameValue(back, value);
	}

	@Test
	void everyValueFamilyCrossesAFreshProcessBothWays() throws Exception {
		List<Object> values = ForyCodecTests.values().map((arguments) -> arguments.get()[1]).toList();
		List<?> back = this.template.submit(() -> new ArrayList<>(values)).get(ANSWER_SECONDS, TimeUnit.SECONDS);
		assertThat(back).hasSameSizeAs(values);
		for (int i = 0; i < values.size(); i++) {
			ForyCodecTests.assertSameValue(back.get(i), values.get(i));
		}
	}

	@Test
	void aClassThatIsNotSerializableCrossesAsWithNoOtherCodec() throws Exception {
		Point point = new Point(3, 4);
		assertThat(this.pool.submit(() -> new Point(point.y(), point.x())).get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.isEqualTo(new Point(4, 3));
		assertThat(this.template.submit(() -> point).get(ANSWER_SECONDS, TimeUnit.SECONDS)).isEqualTo(point);
	}

	@Test
	void queuesCarryRecordsBothWays() throws Exception {
		ProcessQueue<Object> queue = this.template.queue();
		queue.put(Order.sample());
		queue.put(new Point(1, 2));
		Object taken = this.pool.submit(() -> {
			Object order = queue.take();
			queue.put(new LineItem("from the worker", 7, BigDecimal.TEN));
			return List.of(order, queue.take());
		}).get(ANSWER_SECONDS, TimeUnit.SECONDS);
		assertThat(taken).isEqualTo(List.of(Order.sample(), new Point(1, 2)));
		assertThat(queue.take()).isEqualTo(new LineItem("from the worker", 7, BigDecimal.TEN));
	}

	@Test
	void pipesCarryRecordsBothWays() throws Exception {
		Pipe<Object> pipe = this.template.pipe();
		Connection<Object> here = pipe.first();
		Connection<Object> there = pipe.second();
		here.send(new Point(5, 6));
		this.pool.submit(() -> {
			Point point = (Point) there.recv();
			there.send(List.of(point, Order.sample()));
			return null;
		}).get(ANSWER_SECONDS, TimeUnit.SECONDS);
		assertThat(here.recv()).isEqualTo(List.of(new Point(5, 6), Order.sample()));
	}

	@Test
	void mpsOwnClassesTravelWithoutForysWarningAndAClosedSharedObjectIsRefused() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger("org.apache.fory");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			SharedLong value = this.template.sharedLong(7);
			assertThat(this.pool.submit(() -> value.getAndAdd(1)).get(ANSWER_SECONDS, TimeUnit.SECONDS)).isEqualTo(7);
			assertThat(value.get()).isEqualTo(8);
			// a map's chunks travel as mp's own lists
			assertThat(this.pool.map((Integer item) -> item + 1, List.of(1, 2, 3))).containsExactly(2, 3, 4);
			value.close();
			assertThatExceptionOfType(SerializationException.class)
				.isThrownBy(() -> this.pool.submit(() -> value.get()))
				.withMessageContaining(value.name() + " is closed");
			assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
				.noneSatisfy((message) -> assertThat(message).contains("dev.mp."));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aClassOffTheAllowListIsRefusedBeforeItIsSent() throws ReflectiveOperationException {
		Object gadget = GadgetLoader.make("PlainGadget");
		assertThatExceptionOfType(ClassRefusedException.class).isThrownBy(() -> this.pool.submit(() -> gadget))
			.satisfies((refused) -> assertThat(refused.className()).isEqualTo("com.example.gadget.PlainGadget"));
	}

	@Test
	void aClassOffTheAllowListThatAWorkerSendsIsRefusedAndNeverRunHere() {
		String gadget = "com.example.gadget.PlainGadget";
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pool.submit(() -> Class.forName(gadget).getConstructor().newInstance())
				.get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(ClassRefusedException.class,
					(refused) -> assertThat(refused.className()).isEqualTo(gadget));
	}

	@Test
	void anExceptionOfAJavaPackageOffTheListComesBackAsItself() {
		// java.io is not on the list, but exceptions of java.* packages pass, as with the JDK codec
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> this.pool.submit(() -> {
			throw new UncheckedIOException("disk", new IOException("on fire"));
		}).get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.havingCause()
			.isExactlyInstanceOf(UncheckedIOException.class)
			.havingCause()
			.isExactlyInstanceOf(IOException.class)
			.withMessage("on fire");
	}

	@Test
	void anExceptionWhoseGetMessageThrowsComesBackAsAStandIn() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pool.submit(() -> {
				throw new MessageThrows();
			}).get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RemoteExceptionStandIn.class, (standIn) -> {
				assertThat(standIn.remoteClassName()).isEqualTo(MessageThrows.class.getName());
				assertThat(standIn.remoteMessage()).contains("getMessage() threw");
			});
	}

	@Test
	void aCauseCycleComesBackAsItself() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pool.submit(ForyProcessesIntegrationTests::failInACycle)
				.get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(Cyclic.class,
					(cyclic) -> assertThat(cyclic.getCause().getCause()).isSameAs(cyclic));
	}

	static Object failInACycle() {
		Cyclic first = new Cyclic("first");
		Cyclic second = new Cyclic("second");
		first.other = second;
		second.other = first;
		throw first;
	}

	@Test
	void aValueForyCannotCarryCrossesThroughTheFallbackVisibly() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(ForyCodec.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		Level level = logger.getLevel();
		logger.setLevel(Level.DEBUG);
		logger.addAppender(appender);
		try {
			Dice dice = new Dice("d6", new Random(6));
			Dice back = this.pool.submit(() -> new Dice(dice.name() + "!", dice.random()))
				.get(ANSWER_SECONDS, TimeUnit.SECONDS);
			assertThat(back.name()).isEqualTo("d6!");
			assertThat(back.random().nextLong()).isEqualTo(new Random(6).nextLong());
			assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
				.anySatisfy((message) -> assertThat(message).contains("Fory cannot encode", "fallback codec"));
		}
		finally {
			logger.detachAppender(appender);
			logger.setLevel(level);
		}
	}

	@Test
	void aWorkerWithoutTheCodecFailsToStartAndSaysWhatToDo() {
		ProcessOptions withoutTheCodec = ProcessOptions.defaults().toBuilder().classPath(classPathWithoutThisModule())
			.build();
		assertFailsForWantOfTheCodec(this.template.submit(() -> 1, withoutTheCodec));
		ProcessPool pool = this.template.pool("without the codec",
				PoolOptions.builder().size(1).maxStartFailures(1).processOptions(withoutTheCodec).build());
		assertFailsForWantOfTheCodec(pool.submit(() -> 1));
		pool.close();
	}

	private static void assertFailsForWantOfTheCodec(Future<?> call) {
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(ProcessStartException.class, (failure) -> {
				assertThat(failure.exitCode()).hasValue(WorkerMain.EXIT_NO_CODEC);
				assertThat(failure.getMessage()).contains("codec 'fory'", "mp-codec-fory",
						"mp.serialization.codec=java");
			});
	}

	/** The tests' class path without this module's classes, which bring the codec's provider. */
	private static String classPathWithoutThisModule() {
		String module = Path.of(ForyCodecProvider.class.getProtectionDomain().getCodeSource().getLocation().getPath())
			.toString();
		return String.join(File.pathSeparator, Arrays.stream(System.getProperty("surefire.test.class.path")
			.split(File.pathSeparator)).filter((entry) -> !Path.of(entry).toString().equals(module)).toList());
	}

	/** Not {@link java.io.Serializable}: JDK serialization could not carry it. */
	record Point(int x, int y) {
	}

	/** Its getMessage() throws another of its kind, so that whatever describes the second fails too. */
	static class MessageThrows extends RuntimeException {

		@Override
		public String getMessage() {
			throw new MessageThrows();
		}

	}

	static class Cyclic extends RuntimeException {

		Cyclic other;

		Cyclic(String message) {
			super(message);
		}

		@Override
		public synchronized Throwable getCause() {
			return this.other;
		}

	}

}

package dev.mp;

import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.mp.internal.call.ThrowableSnapshot;
import dev.mp.internal.worker.WorkerMain;
import dev.mp.spi.CallSites;
import dev.mp.test.HostileThrowablesFailCleanly;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every call gets exactly one answer, whatever its task throws: exceptions whose own methods throw, that cannot be
 * written, that form cycles or very deep chains, or that turn hostile once read back in the parent.
 */
@ExtendWith({ NoChildProcessesLeft.class, HostileThrowablesFailCleanly.class })
class HostileExceptionIntegrationTests {

	/** Long enough for a loaded machine, short against the 30 s close grace a hung worker would cost. */
	private static final long ANSWER_SECONDS = 20;

	private final ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void anExceptionWhoseGetMessageThrowsComesBackAsAStandInAndTheWorkerGoesOn() throws Exception {
		assertPoolStandsIn(HostileExceptionIntegrationTests::failWithoutMessage, MessageThrows.class,
				(standIn) -> {
					assertThat(standIn.remoteMessage()).contains("getMessage() threw", MessageThrows.class.getName());
					assertThat(standIn.getStackTrace()[0].getMethodName()).isEqualTo("failWithoutMessage");
				});
	}

	static Object failWithoutMessage() {
		throw new MessageThrows();
	}

	@Test
	void anExceptionWhoseToStringThrowsKeepsItsMessage() throws Exception {
		assertPoolStandsIn(() -> {
			throw new ToStringThrows("its message");
		}, ToStringThrows.class, (standIn) -> assertThat(standIn.remoteMessage()).isEqualTo("its message"));
	}

	@Test
	void anExceptionWhoseGetStackTraceThrowsKeepsItsMessage() throws Exception {
		assertPoolStandsIn(() -> {
			throw new StackTraceThrows("its message");
		}, StackTraceThrows.class, (standIn) -> {
			assertThat(standIn.remoteMessage()).isEqualTo("its message");
			assertThat(standIn.getStackTrace()).isEmpty();
		});
	}

	@Test
	void anExceptionWhoseGetCauseThrowsKeepsItsMessage() throws Exception {
		assertPoolStandsIn(() -> {
			throw new CauseThrows("its message");
		}, CauseThrows.class, (standIn) -> {
			assertThat(standIn.remoteMessage()).isEqualTo("its message");
			assertThat(standIn.getCause()).isNull();
		});
	}

	@Test
	void anExceptionWhoseGetMessageOverflowsTheStackComesBackAsAStandIn() throws Exception {
		assertPoolStandsIn(() -> {
			throw new MessageRecurses();
		}, MessageRecurses.class, (standIn) -> assertThat(standIn.remoteMessage())
			.contains(StackOverflowError.class.getName()));
	}

	@Test
	void anExceptionWhoseWriteObjectThrowsAnErrorComesBackAsAStandIn() throws Exception {
		assertPoolStandsIn(() -> {
			throw new WriteObjectThrows("cannot be written");
		}, WriteObjectThrows.class, (standIn) -> assertThat(standIn.remoteMessage()).isEqualTo("cannot be written"));
	}

	@Test
	void aFiftyThousandDeepCauseChainComesBackTruncatedAndSaysSo() throws Exception {
		assertPoolStandsIn(HostileExceptionIntegrationTests::failDeep, IllegalStateException.class, (standIn) -> {
			assertThat(standIn.remoteMessage()).isEqualTo("level 0");
			List<Throwable> chain = new ArrayList<>();
			for (Throwable cause = standIn.getCause(); cause != null; cause = cause.getCause()) {
				chain.add(cause);
			}
			assertThat(chain).hasSizeLessThanOrEqualTo(100).allMatch(RemoteExceptionStandIn.class::isInstance);
			assertThat(((RemoteExceptionStandIn) chain.get(0)).remoteMessage()).isEqualTo("level 1");
			assertThat(chain.get(chain.size() - 1).getMessage()).contains("truncated",
					"more than " + ThrowableSnapshot.MAX_COUNTED + " causes not sent");
		});
	}

	static Object failDeep() {
		IllegalStateException top = new IllegalStateException("level 0");
		Throwable current = top;
		for (int i = 1; i < 50_000; i++) {
			Throwable next = new IllegalArgumentException("level " + i);
			current.initCause(next);
			current = next;
		}
		throw top;
	}

	@Test
	void aCauseCycleComesBackAsItself() throws Exception {
		ProcessPool pool = this.template.pool("cycle", PoolOptions.builder().size(1).build());
		assertThatThrownBy(() -> pool.submit(HostileExceptionIntegrationTests::failInACycle)
			.get(ANSWER_SECONDS, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
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
	void anExceptionThatTurnsHostileWhenReadBackReachesTheCallerAsAStandIn() throws Exception {
		assertPoolStandsIn(() -> {
			throw new HostileWhenReadBack("fine in the child");
		}, HostileWhenReadBack.class, (standIn) -> assertThat(standIn.remoteMessage()).isEqualTo("fine in the child"));
	}

	@Test
	void aSingleCallGetsAStandInForAnExceptionWhoseGetMessageThrows() {
		assertThatThrownBy(() -> this.template.submit(HostileExceptionIntegrationTests::failWithoutMessage)
			.get(ANSWER_SECONDS, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOfSatisfying(RemoteExceptionStandIn.class,
					(standIn) -> assertThat(standIn.remoteClassName()).isEqualTo(MessageThrows.class.getName()));
	}

	@Test
	void aProcessWhoseBodyThrowsAnExceptionWhoseGetMessageThrowsExitsWithCodeOne() throws Exception {
		ManagedProcess process = this.template.process(() -> {
			throw new MessageThrows();
		}).start();
		assertThat(process.join(Duration.ofSeconds(ANSWER_SECONDS))).as("exited").isTrue();
		assertThat(process.exitCode()).hasValue(1);
	}

	@Test
	void aWorkerThatCannotAnswerAtAllHaltsAndTheCallFailsWithItsExitCode() {
		ProcessPool pool = this.template.pool("full", PoolOptions.builder()
			.size(1)
			.processOptions(ProcessOptions.defaults().toBuilder().maxHeap("32m").build())
			.build());
		assertThatThrownBy(() -> pool.submit(HostileExceptionIntegrationTests::fillTheHeap)
			.get(ANSWER_SECONDS, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOfSatisfying(ProcessDiedException.class,
					(died) -> assertThat(died.exitCode()).hasValue(WorkerMain.EXIT_CANNOT_ANSWER));
	}

	/** Kept full, so that not even the bare facts of the error can be encoded. */
	private static final List<Object> heap = new ArrayList<>();

	static Object fillTheHeap() {
		for (int size : new int[] { 1 << 16, 1 << 10, 16 }) {
			try {
				while (true) {
					heap.add(new long[size]);
				}
			}
			catch (OutOfMemoryError ex) {
				// on to smaller blocks
			}
		}
		throw new IllegalStateException("the heap is full");
	}

	@Test
	void callSitesLeaveAnExceptionWhoseStackMethodsThrowAsItIs() {
		StackTraceThrows remote = new StackTraceThrows("remote");
		assertThat(CallSites.appendCallerStack(remote, "task")).isSameAs(remote);
	}

	/**
	 * Asserts that a pool task throwing comes back as a stand-in for the class given, from the same worker that then
	 * answers the next call, and that the pool closes at once.
	 */
	private void assertPoolStandsIn(SerializableCallable<Object> task, Class<?> thrown,
			Consumer<RemoteExceptionStandIn> standIn) throws Exception {
		ProcessPool pool = this.template.pool("hostile", PoolOptions.builder().size(1).build());
		long worker = pool.submit(() -> ProcessHandle.current().pid()).get(ANSWER_SECONDS, TimeUnit.SECONDS);
		assertThatThrownBy(() -> pool.submit(task).get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOfSatisfying(RemoteExceptionStandIn.class, (ex) -> {
				assertThat(ex.remoteClassName()).isEqualTo(thrown.getName());
				assertThat(ex.getMessage()).startsWith(thrown.getName());
				standIn.accept(ex);
			});
		assertThat(pool.submit(() -> ProcessHandle.current().pid()).get(ANSWER_SECONDS, TimeUnit.SECONDS))
			.as("the same worker answers the next call")
			.isEqualTo(worker);
		long closing = System.nanoTime();
		pool.close();
		assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(10));
	}

	/** Its getMessage() throws another of its kind, so that whatever describes the second fails too. */
	static class MessageThrows extends RuntimeException {

		@Override
		public String getMessage() {
			throw new MessageThrows();
		}

	}

	static class MessageRecurses extends RuntimeException {

		@Override
		public String getMessage() {
			return "again: " + getMessage();
		}

	}

	static class ToStringThrows extends RuntimeException {

		ToStringThrows(String message) {
			super(message);
		}

		@Override
		public String toString() {
			throw new IllegalStateException("no string for you");
		}

	}

	static class StackTraceThrows extends RuntimeException {

		StackTraceThrows(String message) {
			super(message);
		}

		@Override
		public StackTraceElement[] getStackTrace() {
			throw new IllegalStateException("no stack for you");
		}

	}

	static class CauseThrows extends RuntimeException {

		CauseThrows(String message) {
			super(message);
		}

		@Override
		public synchronized Throwable getCause() {
			throw new IllegalStateException("no cause for you");
		}

	}

	static class WriteObjectThrows extends RuntimeException {

		WriteObjectThrows(String message) {
			super(message);
		}

		private void writeObject(ObjectOutputStream out) {
			throw new AssertionError("not written");
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

	/** Answers in the child; read back, its transient flag is false and its messages throw. */
	static class HostileWhenReadBack extends RuntimeException {

		private transient boolean inTheChild = true;

		HostileWhenReadBack(String message) {
			super(message);
		}

		@Override
		public String getMessage() {
			if (!this.inTheChild) {
				throw new IllegalStateException("hostile once read back");
			}
			return super.getMessage();
		}

	}

}

package dev.mp.spring.it;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Mono;

import dev.mp.ClassRefusedException;
import dev.mp.ProcessTemplate;
import dev.mp.RemoteExceptionStandIn;
import dev.mp.SerializationException;
import dev.mp.spi.CallSites;
import dev.mp.sync.SharedLong;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code mp.mode=in-place}: {@code @WorkerProcess} calls run in this JVM, with their values sent through the codec and
 * the allow-list both ways, and no worker JVM is started.
 */
@ExtendWith(NoChildProcessesLeft.class)
@SpringBootTest(classes = WorkerTestApplication.class, properties = "mp.mode=in-place")
@DirtiesContext
class InPlaceModeIntegrationTests {

	private static final long PID = ProcessHandle.current().pid();

	@Autowired
	private WorkerServices workers;

	@Autowired
	private ProcessTemplate template;

	@Autowired
	private ReactiveServices reactive;

	@Test
	void callsRunInThisJvmWhateverTheirPoolAndNoWorkerStarts() {
		assertThat(this.workers.pid()).isEqualTo(PID);
		assertThat(this.workers.freshPid()).isEqualTo(PID);
		assertThat(this.workers.smallPoolPid()).isEqualTo(PID);
		assertThat(this.workers.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
		assertThat(this.workers.echo(new Payload("hi", 41))).isEqualTo(new Payload("hi!", 42));
		assertThat(this.template.pools()).isEmpty();
		assertThat(this.template.children()).isEmpty();
		assertThat(ProcessHandle.current().children()).isEmpty();
	}

	@Test
	void futuresComeBackAsTheyWouldFromAWorker() throws Exception {
		assertThat(this.workers.pidLater().get(10, TimeUnit.SECONDS)).isEqualTo(PID);
		assertThat(this.workers.futureGreeting("bob").get(10, TimeUnit.SECONDS)).isEqualTo("hello bob");
	}

	@Test
	void aMonoRunsInPlaceOnSubscriptionAndAFluxSaysItNeedsRealWorkers() {
		SharedLong calls = this.template.sharedLong(0);
		Mono<Long> pid = this.reactive.pid(calls);
		assertThat(calls.get()).isZero();
		assertThat(pid.block(Duration.ofSeconds(10))).isEqualTo(PID);
		assertThat(calls.get()).isOne();
		assertThatThrownBy(() -> this.reactive.fail("no luck").block(Duration.ofSeconds(10)))
			.hasMessageContaining("no luck");
		assertThatThrownBy(() -> this.reactive.failAt(3)).isInstanceOf(UnsupportedOperationException.class)
			.hasMessageContaining("Flux")
			.hasMessageContaining("mp.mode=in-place");
	}

	@Test
	void anArgumentThatCannotBeSerializedFailsAtOnce() {
		assertThatThrownBy(() -> this.workers.length(new Thread())).isInstanceOf(SerializationException.class)
			.hasMessageContaining("java.lang.Thread");
	}

	@Test
	void anArgumentTheAllowListRefusesFailsAtOnceNamingTheProperty() {
		assertThatThrownBy(() -> this.workers.length(new File("data.txt")))
			.isInstanceOf(ClassRefusedException.class)
			.hasMessageContaining("java.io.File")
			.hasMessageContaining("mp.serialization.allowed-classes");
	}

	@Test
	void aResultThatCannotTravelFailsTheCall() {
		assertThatThrownBy(() -> this.workers.result("file")).isInstanceOf(ClassRefusedException.class)
			.hasMessageContaining("java.io.File");
		assertThatThrownBy(() -> this.workers.result("thread")).isInstanceOf(SerializationException.class)
			.hasMessageContaining("could not be sent back to the caller");
		assertThat(this.workers.result("text")).isEqualTo("text");
	}

	@Test
	void exceptionsTravelBackWithTheCallersStack() {
		assertThatThrownBy(() -> this.workers.failChecked()).isInstanceOf(IOException.class)
			.hasMessage("checked failure")
			.hasCauseInstanceOf(IllegalArgumentException.class)
			.satisfies((ex) -> assertThat(Arrays.stream(ex.getStackTrace()).map(StackTraceElement::getClassName))
				.contains(CallSites.MARKER, InPlaceModeIntegrationTests.class.getName()));
		assertThatThrownBy(() -> this.workers.failUnserializably()).isInstanceOf(RemoteExceptionStandIn.class)
			.hasMessageContaining("cannot travel");
	}

	@Test
	void aCallSeesTheCallersMdcWithThisJvmsPid() {
		MDC.put("requestId", "r-7");
		try {
			assertThat(this.workers.mdc()).isEqualTo("r-7 null " + PID);
		}
		finally {
			MDC.clear();
		}
	}

}

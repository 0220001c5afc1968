package dev.mp.junit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * {@link NoLeftoverProcesses @NoLeftoverProcesses} run on test classes of its own through JUnit's engine test kit.
 * Those classes are nested, so the build does not run them by themselves.
 */
class LeftoverProcessesExtensionTests {

	/** The process the class under test started, for this test to check. */
	private static volatile Process started;

	@Test
	void aClassThatLeavesAChildAliveFailsNamingItAndTheChildIsKilled() throws Exception {
		Events classes = run(LeavesAChild.class);
		classes.assertThatEvents()
			.haveExactly(1, event(container(LeavesAChild.class), finishedWithFailure(instanceOf(AssertionError.class),
					message((text) -> text.contains("left 1 child process(es)")
							&& text.contains("pid " + started.pid() + ": ") && text.contains("sleep")))));
		assertThat(started.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
	}

	@Test
	void aClassWhoseChildrenExitPasses() {
		run(StopsItsChild.class).assertStatistics((stats) -> stats.failed(0).succeeded(2));
		assertThat(started.isAlive()).isFalse();
	}

	@Test
	void aChildThatExitsWithinTheTimeoutPasses() {
		run(ChildExitsSoon.class).assertStatistics((stats) -> stats.failed(0).succeeded(2));
	}

	@Test
	void processesAliveBeforeTheClassAreNeitherBlamedNorKilled() throws Exception {
		Process before = sleep(60);
		try {
			run(StopsItsChild.class).assertStatistics((stats) -> stats.failed(0).succeeded(2));
			assertThat(before.isAlive()).isTrue();
		}
		finally {
			before.destroyForcibly().waitFor();
		}
	}

	/** The class's run: the engine's and the class's container events. */
	private static Events run(Class<?> testClass) {
		return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().containerEvents();
	}

	private static Process sleep(int seconds) throws IOException {
		return new ProcessBuilder("sleep", Integer.toString(seconds)).start();
	}

	@NoLeftoverProcesses(timeoutSeconds = 1)
	static class LeavesAChild {

		@Test
		void startsAChildAndForgetsIt() throws IOException {
			started = sleep(60);
		}

	}

	@NoLeftoverProcesses(timeoutSeconds = 1)
	static class StopsItsChild {

		@Test
		void startsAChildAndStopsIt() throws Exception {
			started = sleep(60);
			started.destroy();
			started.waitFor();
		}

	}

	@NoLeftoverProcesses
	static class ChildExitsSoon {

		@Test
		void startsAChildThatExitsAfterTheTest() throws IOException {
			started = sleep(1);
		}

	}

}

package dev.mp.spring.it;

import java.io.File;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import dev.mp.ProcessTemplate;
import dev.mp.spi.BeanCall;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A call in place fails as the same call in a real worker does: the same exception type and message, whether an
 * argument or the result cannot travel or the method throws. The worker calls go through the template's own pool API,
 * which keeps real workers in this mode.
 */
@ExtendWith(NoChildProcessesLeft.class)
@SpringBootTest(classes = WorkerTestApplication.class,
		properties = { "mp.mode=in-place", "mp.pools.real.size=1", "mp.pools.real.min-idle=0" })
@DirtiesContext
class InPlaceModeMatchesWorkersIntegrationTests {

	@Autowired
	private WorkerServices workers;

	@Autowired
	private ProcessTemplate template;

	@Test
	void failuresAreTheSameAsInAWorker() {
		assertSameFailure(() -> this.workers.length(new Thread()), "length", new Thread());
		assertSameFailure(() -> this.workers.length(new File("data.txt")), "length",
				new File("data.txt"));
		assertSameFailure(() -> this.workers.result("file"), "result", "file");
		assertSameFailure(() -> this.workers.result("thread"), "result", "thread");
		assertSameFailure(() -> this.workers.failChecked(), "failChecked");
		assertSameFailure(() -> this.workers.failUnserializably(), "failUnserializably");
		assertThat(this.template.children()).as("a real worker answered").isNotEmpty();
	}

	private void assertSameFailure(ThrowingCallable inPlace, String method, Object... arguments) {
		Throwable here = catchThrowable(inPlace);
		Throwable there = catchThrowable(() -> inWorker(method, arguments));
		assertThat(there).as(method + " in a worker").isNotNull();
		assertThat(here).as(method + " in place").hasSameClassAs(there).hasMessage(there.getMessage());
		if (there.getCause() != null) {
			assertThat(here.getCause()).hasSameClassAs(there.getCause()).hasMessage(there.getCause().getMessage());
		}
	}

	private Object inWorker(String name, Object... arguments) throws Throwable {
		Method method = Arrays.stream(WorkerServices.class.getMethods())
			.filter((candidate) -> candidate.getName().equals(name))
			.findFirst()
			.orElseThrow();
		BeanCall call = new BeanCall("workerServices", WorkerServices.class, method, arguments);
		try {
			return this.template.pool("real").invoke(call).get(2, TimeUnit.MINUTES);
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
		}
	}

}

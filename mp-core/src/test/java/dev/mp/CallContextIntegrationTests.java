package dev.mp;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import dev.mp.sync.ProcessQueue;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller's MDC crosses to the worker with each call, whatever way the call travels, and is gone after it; mp's
 * own keys stay; the template says which keys travel, or none.
 */
@ExtendWith(NoChildProcessesLeft.class)
class CallContextIntegrationTests {

	private ProcessTemplate template = new ProcessTemplate();

	@AfterEach
	void close() {
		MDC.clear();
		this.template.close();
	}

	@Test
	void aPoolTaskSeesTheCallersMdcForItsCallAlone() throws Exception {
		ProcessPool pool = this.template.pool("mdc", PoolOptions.builder().size(1).build());
		MDC.put("requestId", "r-1");
		MDC.put("mp.worker", "the caller's");
		List<String> seen = pool.submit(() -> List.of(String.valueOf(MDC.get("requestId")),
				String.valueOf(MDC.get("mp.worker")), String.valueOf(MDC.get("mp.pid"))))
			.get(60, TimeUnit.SECONDS);
		ChildProcess worker = pool.workers().get(0);
		assertThat(seen).containsExactly("r-1", worker.name(), Long.toString(worker.pid()));
		MDC.clear();
		assertThat(pool.submit(() -> MDC.get("requestId")).get(60, TimeUnit.SECONDS)).isNull();
		for (int i = 0; i < 20; i++) {
			MDC.put("requestId", "r-" + i);
			assertThat(pool.submit(() -> MDC.get("requestId")).get(60, TimeUnit.SECONDS)).isEqualTo("r-" + i);
		}
	}

	@Test
	void theMdcCrossesWithCallsTheCodecEncodesAndCallsStagedInSharedMemory() throws Exception {
		ProcessPool pool = this.template.pool("mdc-large", PoolOptions.builder().size(1).build());
		MDC.put("requestId", "r-2");
		Label label = new Label("codec");
		byte[] large = new byte[1024 * 1024];
		for (int i = 0; i < 3; i++) {
			assertThat(pool.submit(() -> label.text() + " " + MDC.get("requestId")).get(60, TimeUnit.SECONDS))
				.isEqualTo("codec r-2");
			assertThat(pool.submit(() -> large.length + " " + MDC.get("requestId")).get(60, TimeUnit.SECONDS))
				.isEqualTo(large.length + " r-2");
		}
	}

	@Test
	void aFreshTaskAndAProcessSeeTheCallersMdc() throws Exception {
		MDC.put("requestId", "r-3");
		assertThat(this.template.submit(() -> MDC.get("requestId")).get(60, TimeUnit.SECONDS)).isEqualTo("r-3");
		ProcessQueue<String> seen = this.template.queue();
		ManagedProcess process = this.template.process((ProcessQueue<String> queue) -> {
			try {
				queue.put(String.valueOf(MDC.get("requestId")));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, seen).start();
		process.join();
		assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("r-3");
	}

	@Test
	void theTemplateSaysWhichKeysTravel() throws Exception {
		this.template.close();
		this.template = ProcessTemplate.builder().mdcKeys(Set.of("requestId")).build();
		ProcessPool pool = this.template.pool("mdc-keys", PoolOptions.builder().size(1).build());
		MDC.put("requestId", "r-4");
		MDC.put("userId", "u-4");
		assertThat(pool.submit(() -> MDC.get("requestId") + " " + MDC.get("userId")).get(60, TimeUnit.SECONDS))
			.isEqualTo("r-4 null");
		MDC.remove("requestId");
		assertThat(pool.submit(() -> MDC.get("requestId") + " " + MDC.get("userId")).get(60, TimeUnit.SECONDS))
			.isEqualTo("null null");
	}

	@Test
	void theTemplateCanSendNoMdc() throws Exception {
		this.template.close();
		this.template = ProcessTemplate.builder().mdc(false).build();
		ProcessPool pool = this.template.pool("mdc-off", PoolOptions.builder().size(1).build());
		MDC.put("requestId", "r-5");
		assertThat(pool.submit(() -> MDC.get("requestId")).get(60, TimeUnit.SECONDS)).isNull();
	}

	/** Not a plain value: a task that captures it goes through the codec. */
	record Label(String text) implements Serializable {
	}

}

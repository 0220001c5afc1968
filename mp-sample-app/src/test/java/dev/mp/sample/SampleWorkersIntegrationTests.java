package dev.mp.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import dev.mp.ProcessTemplate;
import dev.mp.junit.NoLeftoverProcesses;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's services with real worker JVMs, as docs/testing.md recommends for a {@code @SpringBootTest}: a pool of
 * one, no warm workers, small quick-starting worker JVMs; the context closes after the class, and
 * {@link NoLeftoverProcesses @NoLeftoverProcesses} (declared first, so it checks after the context has closed) fails
 * the class if a worker outlives it.
 */
@NoLeftoverProcesses
@SpringBootTest(properties = { "mp.pools.default.size=1", "mp.pools.default.min-idle=0",
		"mp.worker.jvm-options=-XX:+UseSerialGC,-XX:TieredStopAtLevel=1", "mp.shutdown.grace-period=5s" })
@DirtiesContext
class SampleWorkersIntegrationTests {

	@Autowired
	private WorkerInfoService workerInfo;

	@Autowired
	private PrimeService primes;

	@Autowired
	private ProcessTemplate template;

	@Test
	void aCallRunsInAWorkerJvmOfThisOne() {
		long pid = this.workerInfo.pid();
		assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
		assertThat(this.template.child(pid)).hasValueSatisfying((child) -> assertThat(child.isAlive()).isTrue());
		assertThat(this.workerInfo.region()).isEqualTo("local");
	}

	@Test
	void primesAreCountedInAWorkerWithItsOwnHeap() {
		assertThat(this.primes.countPrimes(1000)).isEqualTo(168);
		assertThat(this.template.pools()).anySatisfy((pool) -> assertThat(pool.name()).contains("-Xmx256m"));
	}

}

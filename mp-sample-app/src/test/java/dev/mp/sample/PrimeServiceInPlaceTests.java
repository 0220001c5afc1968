package dev.mp.sample;

import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.mp.ProcessTemplate;
import dev.mp.SerializationException;
import dev.mp.junit.NoLeftoverProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A fast test of a {@code @WorkerProcess} service in mp's test mode ({@code mp.mode=in-place}): its calls run in this
 * JVM, no worker starts, and what could not travel to a worker still fails the call as it would there.
 */
@NoLeftoverProcesses
@SpringBootTest(properties = "mp.mode=in-place")
class PrimeServiceInPlaceTests {

	@Autowired
	private PrimeService primes;

	@Autowired
	private ProcessTemplate template;

	@Test
	void countsPrimesInThisJvmAndStartsNoWorker() {
		assertThat(this.primes.countPrimes(100)).isEqualTo(25);
		assertThat(this.primes.countPrimesAsync(1000).join()).isEqualTo(168);
		assertThat(this.primes.countPrimesAmong(List.of(2, 3, 4, 5, 9, 11))).isEqualTo(4);
		assertThat(this.template.children()).isEmpty();
	}

	@Test
	void anArgumentThatCannotTravelToAWorkerFailsTheCall() {
		TreeSet<Integer> descending = new TreeSet<>((a, b) -> Integer.compare(b, a));
		descending.addAll(List.of(2, 3, 4, 5));
		assertThatThrownBy(() -> this.primes.countPrimesAmong(descending)).isInstanceOf(SerializationException.class)
			.hasMessageContaining(PrimeServiceInPlaceTests.class.getName());
	}

}

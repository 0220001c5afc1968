package dev.mp.internal.worker;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the regrowth makes sure of its full collections: {@code System.gc()} does nothing while another thread holds
 * SerialGC's GC locker, which no test can make happen on demand, so these count the requests of a collector that
 * refuses the first ones.
 */
class HeapRegrowthTests {

	@Test
	void aFullCollectionIsAskedForAgainUntilOneRan() {
		AtomicInteger requests = new AtomicInteger();
		AtomicInteger collections = new AtomicInteger();
		Runnable lockedTwice = () -> {
			if (requests.incrementAndGet() > 2) {
				collections.incrementAndGet();
			}
		};
		assertThat(HeapRegrowth.collectFully(lockedTwice, collections::get)).isTrue();
		assertThat(requests).hasValue(3);
		assertThat(collections).hasValue(1);
	}

	@Test
	void aCollectionThatNeverRunsIsGivenUpOnWithinSeconds() {
		AtomicInteger requests = new AtomicInteger();
		long start = System.nanoTime();
		assertThat(HeapRegrowth.collectFully(requests::incrementAndGet, () -> 0)).isFalse();
		assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
		assertThat(requests.get()).isGreaterThan(1);
	}

	@Test
	void anInterruptedWaitGivesUpAndKeepsTheInterrupt() {
		Thread.currentThread().interrupt();
		try {
			assertThat(HeapRegrowth.collectFully(() -> {
			}, () -> 0)).isFalse();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

}

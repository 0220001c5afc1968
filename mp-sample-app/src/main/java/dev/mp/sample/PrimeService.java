package dev.mp.sample;

import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/**
 * CPU-heavy work that runs in a worker JVM with its own heap limit.
 */
@Service
public class PrimeService {

	/**
	 * Counts the primes up to {@code upTo}, by trial division on purpose (slow); the caller blocks until the worker
	 * answers.
	 */
	@WorkerProcess(name = "primes", maxHeap = "256m")
	public long countPrimes(int upTo) {
		return count(upTo);
	}

	/** The same work; returns at once, the future completes when the worker answers. */
	@WorkerProcess(name = "primes-async", maxHeap = "256m")
	public CompletableFuture<Long> countPrimesAsync(int upTo) {
		return CompletableFuture.completedFuture(count(upTo));
	}

	static long count(int upTo) {
		long count = 0;
		for (int n = 2; n <= upTo; n++) {
			if (isPrime(n)) {
				count++;
			}
		}
		return count;
	}

	private static boolean isPrime(int n) {
		for (int d = 2; (long) d * d <= n; d++) {
			if (n % d == 0) {
				return false;
			}
		}
		return true;
	}

}

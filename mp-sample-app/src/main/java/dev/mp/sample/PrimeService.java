package dev.mp.sample;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Service;

import dev.mp.CurrentProcess;
import dev.mp.spring.WorkerProcess;
import dev.mp.sync.ProcessQueue;
import dev.mp.sync.SharedLong;

/**
 * CPU-heavy work that runs in a worker JVM with its own heap limit.
 */
@Service
public class PrimeService {

	/** How many numbers {@link #countPrimesReporting} looks at between two reports of its progress. */
	private static final int PROGRESS_STEP = 100_000;

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

	/**
	 * Counts the primes in {@code [from, to]} into {@code total}, a value the caller shares with every worker, and
	 * reports on {@code progress}, a queue the caller reads: both are the caller's own objects, not copies.
	 */
	@WorkerProcess
	public CompletableFuture<Void> countPrimesShared(int from, int to, SharedLong total,
			ProcessQueue<String> progress) throws InterruptedException {
		long count = count(from, to);
		total.addAndGet(count);
		progress.put("[" + from + ", " + to + "]: " + count + " primes, counted by pid " + ProcessHandle.current().pid());
		return CompletableFuture.completedFuture(null);
	}

	/**
	 * Counts the primes up to {@code upTo} in steps, and says how far it is after each: the caller hears it
	 * ({@code TaskFuture.onProgress}) and {@code /actuator/processes} shows it while the worker is busy.
	 */
	@WorkerProcess
	public CompletableFuture<Long> countPrimesReporting(int upTo) {
		long count = 0;
		for (long from = 2; from <= upTo; from += PROGRESS_STEP) {
			int to = (int) Math.min(upTo, from + PROGRESS_STEP - 1);
			count += count((int) from, to);
			CurrentProcess.progress(to, upTo, count + " primes so far");
		}
		return CompletableFuture.completedFuture(count);
	}

	/**
	 * How many of {@code candidates} are prime. The collection travels to the worker, so it must be one that can: a
	 * {@code TreeSet} sorted by a lambda cannot (the lambda is not serializable), and fails the call before any
	 * worker is asked.
	 */
	@WorkerProcess
	public long countPrimesAmong(Collection<Integer> candidates) {
		return candidates.stream().filter((n) -> n >= 2 && isPrime(n)).count();
	}

	static long count(int upTo) {
		return count(2, upTo);
	}

	private static long count(int from, int to) {
		long count = 0;
		for (int n = Math.max(2, from); n <= to; n++) {
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

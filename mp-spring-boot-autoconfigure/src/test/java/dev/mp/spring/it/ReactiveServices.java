package dev.mp.spring.it;

import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.mp.spring.WorkerProcess;
import dev.mp.sync.ProcessEvent;
import dev.mp.sync.SharedLong;

/**
 * Worker methods that return Reactor's {@code Mono} and {@code Flux}, in a pool of their own.
 */
@Service
@WorkerProcess(pool = "reactive")
public class ReactiveServices {

	/** The worker's pid; counts the calls that reached a worker. */
	public Mono<Long> pid(SharedLong calls) {
		calls.incrementAndGet();
		return Mono.just(ProcessHandle.current().pid());
	}

	public Mono<String> fail(String message) {
		return Mono.error(new IllegalStateException(message));
	}

	/** Says it started, then waits for an event that never comes; says it was interrupted. */
	public Mono<String> hang(ProcessEvent started, ProcessEvent never, ProcessEvent interrupted) {
		return Mono.fromCallable(() -> {
			started.set();
			try {
				never.await();
				return "never";
			}
			catch (InterruptedException ex) {
				interrupted.set();
				throw ex;
			}
		});
	}

	/** 1 to 5, waiting before 4 until the caller has seen 3. */
	public Flux<Integer> count(ProcessEvent sawThird) {
		return Flux.range(1, 5).map((i) -> {
			if (i == 4) {
				awaitQuietly(sawThird);
			}
			return i;
		});
	}

	/** 1, 2, 3, ... for ever, counting how many it made. */
	public Flux<Long> endless(SharedLong produced) {
		return Flux.generate((sink) -> sink.next(produced.incrementAndGet()));
	}

	/** 1, 2, ... until it throws at {@code at}. */
	public Flux<Integer> failAt(int at) {
		return Flux.range(1, 10).map((i) -> {
			if (i == at) {
				throw new IllegalStateException("no " + at);
			}
			return i;
		});
	}

	private static void awaitQuietly(ProcessEvent event) {
		try {
			event.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

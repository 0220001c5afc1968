package dev.mp.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.mp.ManagedProcess;
import dev.mp.ProcessState;

/**
 * Waits for the first of several things to be ready, as Python's {@code multiprocessing.connection.wait}: a started
 * {@link ManagedProcess} that has exited (Python's {@code sentinel}), a {@link Connection} with something to receive,
 * a {@link ProcessQueue} with a message to take (or shut down), or a {@link Future} that is done.
 */
public final class Wait {

	private static final Runnable NOTHING = () -> {
	};

	private Wait() {
	}

	/**
	 * Waits until at least one of {@code objects} is ready, or the timeout passes.
	 * @param objects processes, connections, queues and futures, in any mix
	 * @param timeout how long to wait at most; {@code null} to wait as long as it takes
	 * @return those ready, in the order given; empty when the timeout passed first
	 * @throws IllegalArgumentException for an object of another kind, or a process that was not started
	 * @throws InterruptedException when interrupted while waiting
	 */
	public static List<Object> forAny(Collection<?> objects, @Nullable Duration timeout) throws InterruptedException {
		for (Object object : objects) {
			checkWaitable(object);
		}
		List<Object> ready = new ArrayList<>();
		long deadline = (timeout != null) ? Waiting.deadline(timeout.toNanos(), TimeUnit.NANOSECONDS)
				: Waiting.FOREVER;
		Waiting.until(() -> {
			ready.clear();
			for (Object object : objects) {
				if (isReady(object)) {
					ready.add(object);
				}
			}
			return !ready.isEmpty();
		}, deadline, NOTHING);
		return List.copyOf(ready);
	}

	private static void checkWaitable(Object object) {
		if (object instanceof ManagedProcess process) {
			if (process.state() == ProcessState.NEW) {
				throw new IllegalArgumentException("Cannot wait for process '" + process.name() + "': not started");
			}
		}
		else if (!(object instanceof Connection<?> || object instanceof ProcessQueue<?> || object instanceof Future<?>)) {
			throw new IllegalArgumentException("Cannot wait for a " + object.getClass().getName()
					+ ": wait for a ManagedProcess, Connection, ProcessQueue or Future");
		}
	}

	private static boolean isReady(Object object) {
		if (object instanceof ManagedProcess process) {
			return process.state() == ProcessState.EXITED;
		}
		if (object instanceof Connection<?> connection) {
			return connection.poll();
		}
		if (object instanceof ProcessQueue<?> queue) {
			return !queue.isEmpty() || queue.isShutDown();
		}
		return ((Future<?>) object).isDone();
	}

}

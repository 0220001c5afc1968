package restartapp;

import java.util.List;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the application (or its restart) is ready, calls the worker and prints one line for the test: the answer,
 * the worker's pid, this generation's class loader, whether the answer's class is this generation's, and the threads
 * that keep an older generation's class loader as their context class loader.
 */
@Component
class Reporter {

	private final Oracle oracle;

	Reporter(Oracle oracle) {
		this.oracle = oracle;
	}

	@EventListener(ApplicationReadyEvent.class)
	void callTheWorker() {
		ClassLoader loader = Reporter.class.getClassLoader();
		try {
			Answer answer = this.oracle.answer(new Question(21));
			List<String> stale = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.getContextClassLoader() != null && thread.getContextClassLoader() != loader
						&& thread.getContextClassLoader().getClass() == loader.getClass())
				.map(Thread::getName)
				.toList();
			System.out.println("RESTART-APP answer=" + answer.value() + " worker=" + answer.workerPid() + " loader="
					+ loader.getClass().getName() + "@" + System.identityHashCode(loader) + " answerLoader="
					+ (answer.getClass().getClassLoader() == loader) + " staleThreads=" + stale);
		}
		catch (RuntimeException ex) {
			System.out.println("RESTART-APP failed: " + ex);
			ex.printStackTrace(System.out);
		}
	}

}

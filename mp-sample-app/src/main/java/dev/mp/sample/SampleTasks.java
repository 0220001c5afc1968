package dev.mp.sample;

/**
 * Process targets for {@link dev.mp.ProcessTemplate} used directly, as in Python's
 * {@code Process(target=greet, args=("bob",))}. They are plain static methods: the child that runs them needs no
 * Spring context.
 */
final class SampleTasks {

	private SampleTasks() {
	}

	/** Sleeps one second, then greets from the child's pid (the line lands in the application's log). */
	static void greet(String who) throws InterruptedException {
		Thread.sleep(1000);
		System.out.println("hello " + who + " from pid " + ProcessHandle.current().pid());
	}

}

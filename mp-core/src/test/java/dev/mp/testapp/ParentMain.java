package dev.mp.testapp;

import java.time.Duration;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;
import dev.mp.sync.ProcessSemaphore;

/**
 * A parent application for tests that must control the parent JVM itself: starts two children that sleep, prints
 * their pids as {@code CHILD <pid>}, then either ends ({@code daemon}: daemon children, template closed), waits to
 * be killed ({@code wait}; with {@code grandchildren} each child first starts a {@code sleep} of its own and prints
 * {@code GRANDCHILD <pid>}), or calls {@code System.exit} without closing anything ({@code exit}).
 */
public final class ParentMain {

	private ParentMain() {
	}

	public static void main(String[] args) throws Exception {
		boolean daemon = args[0].equals("daemon");
		boolean grandchildren = args.length > 1 && args[1].equals("grandchildren");
		ProcessTemplate template = new ProcessTemplate();
		try {
			// each child says when it runs its body, so that what the test times afterwards excludes JVM start-up
			ProcessSemaphore running = template.semaphore(0);
			for (int i = 0; i < 2; i++) {
				ManagedProcess child = template.process(grandchildren ? ParentMain::sleepWithGrandchild
						: ParentMain::sleep, running).daemon(daemon).start();
				System.out.println("CHILD " + child.pid());
			}
			running.acquire(2);
			if (args[0].equals("exit")) {
				System.out.println("PARENT EXITING");
				System.exit(0);
			}
			if (daemon) {
				System.out.println("PARENT DONE");
				return;
			}
			System.out.println("PARENT WAITING");
			Thread.sleep(Duration.ofMinutes(5).toMillis());
		}
		finally {
			template.close();
		}
	}

	static void sleep(ProcessSemaphore running) throws InterruptedException {
		running.release();
		Thread.sleep(60_000);
	}

	static void sleepWithGrandchild(ProcessSemaphore running) throws Exception {
		running.release();
		Process grandchild = new ProcessBuilder("sleep", "600").start();
		// the parent logs this line, tagged; the test finds it in the parent's output
		System.out.println("GRANDCHILD " + grandchild.pid());
		Thread.sleep(600_000);
	}

}

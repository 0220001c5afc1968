package dev.mp.testapp;

import java.time.Duration;

import dev.mp.ManagedProcess;
import dev.mp.ProcessTemplate;

/**
 * A parent application for tests that must control the parent JVM itself: starts two children that sleep, prints
 * their pids as {@code CHILD <pid>}, then either ends ({@code daemon}: daemon children, template closed) or waits to
 * be killed ({@code wait}).
 */
public final class ParentMain {

	private ParentMain() {
	}

	public static void main(String[] args) throws Exception {
		boolean daemon = args[0].equals("daemon");
		try (ProcessTemplate template = new ProcessTemplate()) {
			for (int i = 0; i < 2; i++) {
				ManagedProcess child = template.process(() -> Thread.sleep(60_000)).daemon(daemon).start();
				System.out.println("CHILD " + child.pid());
			}
			if (daemon) {
				System.out.println("PARENT DONE");
				return;
			}
			System.out.println("PARENT WAITING");
			Thread.sleep(Duration.ofMinutes(5).toMillis());
		}
	}

}

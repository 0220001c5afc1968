package com.example.outside;

import java.util.concurrent.CompletableFuture;

import dev.mp.ManagedProcess;
import dev.mp.ProcessPool;
import dev.mp.ProcessTemplate;

/** Targets written outside mp's own packages, as a user's would be. */
public final class OutsideTasks {

	private OutsideTasks() {
	}

	static void greet(String who) {
		System.out.println("hello " + who);
	}

	public static CompletableFuture<String> greetingIn(ProcessPool pool, String who) {
		return pool.submit(() -> "hello " + who);
	}

	public static ManagedProcess startGreeting(ProcessTemplate template, String who) {
		return template.process(OutsideTasks::greet, who).start();
	}

}

package dev.mp.sample;

import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/**
 * Writes to {@code System.out} in a worker: the lines are forwarded into the application's log (the worker's stdout
 * is only ever a log, never mp's protocol).
 */
@Service
public class ChattyService {

	@WorkerProcess(name = "chatty")
	public int chatty(int lines) {
		for (int i = 1; i <= lines; i++) {
			System.out.println("chatty line " + i + " of " + lines + " from pid " + ProcessHandle.current().pid());
		}
		return lines;
	}

}

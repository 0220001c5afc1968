package dev.mp.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/**
 * Writes to {@code System.out} in a worker, and logs: the lines are forwarded into the application's log as text (the
 * worker's stdout is only ever a log, never mp's protocol), the log event as an event of this class's logger, in the
 * application's own format.
 */
@Service
public class ChattyService {

	private static final Logger logger = LoggerFactory.getLogger(ChattyService.class);

	@WorkerProcess(name = "chatty")
	public int chatty(int lines) {
		for (int i = 1; i <= lines; i++) {
			System.out.println("chatty line " + i + " of " + lines + " from pid " + ProcessHandle.current().pid());
		}
		logger.info("chatty printed {} lines", lines);
		return lines;
	}

}

package dev.mp.spring.it;

import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/** Annotated on the class: every public method runs in a worker, or in place when already in one. */
@Service
@WorkerProcess
public class InPlaceService {

	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public String toString() {
		return "in place, pid " + ProcessHandle.current().pid();
	}

}

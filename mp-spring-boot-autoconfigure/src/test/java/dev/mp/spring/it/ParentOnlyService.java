package dev.mp.spring.it;

import dev.mp.spring.WorkerProcess;

public class ParentOnlyService {

	@WorkerProcess
	public String hello() {
		return "hello";
	}

}

package dev.mp.bench.spring;

import org.springframework.stereotype.Component;

import dev.mp.spring.WorkerProcess;

/** Trivial bean methods run in the warm {@code default} pool. */
@Component
public class BenchWorker {

	/** {@code identity(1)}, the same trivial call as Python's row. */
	@WorkerProcess
	public int identity(int value) {
		return value;
	}

	/** The order back, as Python's {@code identity(order)}: it crosses both ways through the codec. */
	@WorkerProcess
	public Order echo(Order order) {
		return order;
	}

	/** The pid of the JVM that runs the call: lets the harness check that calls really leave its JVM. */
	@WorkerProcess
	public long pid() {
		return ProcessHandle.current().pid();
	}

}

package dev.mp.spring.kubernetes;

import java.io.Serializable;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/** Bean methods run by the {@code pods} pool, whose workers are pods. */
@Service
public class PodWork {

	private final Environment environment;

	public PodWork(Environment environment) {
		this.environment = environment;
	}

	/** Where it ran: the pid, and whether the application context it ran in is a worker's. */
	@WorkerProcess(pool = "pods")
	public Where where() {
		return new Where(ProcessHandle.current().pid(), this.environment.getProperty("mp.child", "false"));
	}

	/** A property as the pod's application context resolves it. */
	@WorkerProcess(pool = "pods")
	public String property(String name) {
		return this.environment.getProperty(name);
	}

	@WorkerProcess(pool = "pods")
	public Order price(Order order) {
		return new Order(order.item(), order.quantity(), order.quantity() * 250);
	}

	@WorkerProcess(pool = "pods")
	public void refuse(String item) {
		throw new OutOfStockException(item);
	}

	/** @param child the {@code mp.child} property of the context the method ran in */
	public record Where(long pid, String child) implements Serializable {
	}

	/** An argument and result of the application's own type, allowed by the application's package. */
	public record Order(String item, int quantity, long cents) implements Serializable {
	}

	/** An exception of the application's own. */
	public static class OutOfStockException extends RuntimeException {

		public OutOfStockException(String item) {
			super(item + " is out of stock");
		}

	}

}

package dev.mp;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A pool's child JVM as a {@link PoolWorker}: an adapter, so that the child JVM's own shape stays its own.
 *
 * @param jvm the child JVM
 */
record JvmWorker(ChildJvm jvm) implements PoolWorker {

	@Override
	public String name() {
		return this.jvm.name();
	}

	@Override
	public long pid() {
		return this.jvm.pid();
	}

	@Override
	public List<String> command() {
		return this.jvm.command();
	}

	@Override
	public List<String> outputTail() {
		return this.jvm.outputTail();
	}

	@Override
	public Instant startTime() {
		return this.jvm.startTime();
	}

	@Override
	public OptionalInt exitCode() {
		return this.jvm.exitCode();
	}

	@Override
	public CompletableFuture<Void> whenReady() {
		return this.jvm.start().whenReady();
	}

	@Override
	public ChildCall call(CallRequest request) {
		return this.jvm.call(request);
	}

	@Override
	public void spinForAnswer(long callId, long maxNanos) {
		this.jvm.spinForAnswer(callId, maxNanos);
	}

	@Override
	public void cancel(long callId) {
		this.jvm.cancel(callId);
	}

	@Override
	public void shutdown() {
		this.jvm.shutdown();
	}

	@Override
	public void kill() {
		this.jvm.kill();
	}

	@Override
	public void markStopping() {
		this.jvm.markStopping();
	}

	@Override
	public boolean isStopping() {
		return this.jvm.isStopping();
	}

	@Override
	public boolean isAlive() {
		return this.jvm.isAlive();
	}

	@Override
	public boolean hasExited() {
		return this.jvm.hasExited();
	}

	@Override
	public boolean awaitExit(long millis) {
		return this.jvm.awaitExit(millis);
	}

	@Override
	public CompletableFuture<?> onExit() {
		return this.jvm.onExit();
	}

}

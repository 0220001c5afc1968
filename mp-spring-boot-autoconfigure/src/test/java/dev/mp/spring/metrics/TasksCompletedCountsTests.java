package dev.mp.spring.metrics;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.mp.ChildProcess;
import dev.mp.ProcessState;

import static org.assertj.core.api.Assertions.assertThat;

class TasksCompletedCountsTests {

	private final TasksCompletedCounts counts = new TasksCompletedCounts();

	@Test
	void countsEachChildOnceAndNeverGoesDown() {
		Child first = new Child("w1", "p", 3);
		Child other = new Child("w2", "q", 5);
		assertThat(this.counts.count(List.of(first, other), "p")).isEqualTo(3);
		assertThat(this.counts.count(List.of(first, other), "q")).isEqualTo(5);
		first.answered = 4;
		assertThat(this.counts.count(List.of(first, other), "p")).isEqualTo(4);
		// the first worker is forgotten, a replacement answers
		Child replacement = new Child("w3", "p", 1);
		assertThat(this.counts.count(List.of(replacement, other), "p")).isEqualTo(5);
		assertThat(this.counts.count(List.of(), "p")).isEqualTo(5);
		assertThat(this.counts.count(List.of(), "q")).isEqualTo(5);
	}

	@Test
	void ignoresChildrenOutsidePools() {
		assertThat(this.counts.count(List.of(new Child("w1", null, 7)), "none")).isZero();
	}

	private static final class Child implements ChildProcess {

		private final String id;

		private final String pool;

		private long answered;

		Child(String id, String pool, long answered) {
			this.id = id;
			this.pool = pool;
			this.answered = answered;
		}

		@Override
		public String id() {
			return this.id;
		}

		@Override
		public String name() {
			return this.id;
		}

		@Override
		public long pid() {
			return -1;
		}

		@Override
		public boolean isDaemon() {
			return true;
		}

		@Override
		public ProcessState state() {
			return ProcessState.IDLE;
		}

		@Override
		public boolean isAlive() {
			return true;
		}

		@Override
		public OptionalInt exitCode() {
			return OptionalInt.empty();
		}

		@Override
		public Instant startTime() {
			return Instant.EPOCH;
		}

		@Override
		public Instant exitTime() {
			return null;
		}

		@Override
		public String description() {
			return "test";
		}

		@Override
		public String pool() {
			return this.pool;
		}

		@Override
		public long tasksCompleted() {
			return this.answered;
		}

		@Override
		public java.util.Optional<String> exitReason() {
			return java.util.Optional.empty();
		}

		@Override
		public java.util.Optional<java.time.Duration> cpuTime() {
			return java.util.Optional.empty();
		}

		@Override
		public java.util.OptionalLong residentMemoryBytes() {
			return java.util.OptionalLong.empty();
		}

		@Override
		public java.util.List<String> outputTail() {
			return java.util.List.of();
		}

		@Override
		public String bootstrapMode() {
			return "plain";
		}

		@Override
		public CompletableFuture<? extends ChildProcess> onExit() {
			return new CompletableFuture<>();
		}

		@Override
		public void terminate() {
		}

		@Override
		public void kill() {
		}

	}

}

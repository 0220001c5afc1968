package dev.mp.child;

import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.mp.SerializableCallable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task lambdas in their compact form: one capturing plain values is rebuilt into a task that computes the same
 * thing; anything else is left to the codec.
 */
class LambdaTasksTests {

	private final LambdaTasks reader = new LambdaTasks(getClass().getClassLoader());

	@Test
	void aLambdaCapturingPlainValuesIsRebuiltWithThem() throws Exception {
		int number = 20;
		String text = "x";
		byte[] bytes = { 1, 2 };
		Long nothing = null;
		SerializableCallable<String> task = () -> text.repeat(number + 1) + bytes.length + nothing;
		byte[] encoded = LambdaTasks.encode(task, "task under test", 1 << 20);
		assertThat(encoded).isNotNull();
		TaskInvocation rebuilt = this.reader.decode(encoded);
		assertThat(rebuilt.describe()).isEqualTo("task under test");
		assertThat(rebuilt.invoke(null)).isEqualTo(task.call()).isEqualTo("x".repeat(21) + "2null");
		// twice, through what the first reading found
		SerializableCallable<Integer> another = () -> number * 2;
		assertThat(this.reader.decode(LambdaTasks.encode(another, "again", 1 << 20)).invoke(null)).isEqualTo(40);
	}

	@Test
	void whatIsNotALambdaWithPlainCapturesIsLeftToTheCodec() {
		List<Integer> list = List.of(1);
		SerializableCallable<Integer> capturesAList = () -> list.size();
		assertThat(LambdaTasks.encode(capturesAList, "list", 1 << 20)).isNull();
		assertThat(LambdaTasks.encode(new Named(), "record", 1 << 20)).isNull();
		Callable<Integer> notSerializable = () -> 1;
		assertThat(LambdaTasks.encode(notSerializable, "plain lambda", 1 << 20)).isNull();
		byte[] large = new byte[2048];
		assertThat(LambdaTasks.encode((SerializableCallable<Integer>) () -> large.length, "large", 1024)).isNull();
	}

	private record Named() implements SerializableCallable<Integer> {

		@Override
		public Integer call() {
			return 1;
		}

	}

}

package dev.mp.internal.call;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.mp.SerializableCallable;
import dev.mp.SerializableRunnable;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.internal.wire.Payload;
import dev.mp.spi.BeanCall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calls in their compact form: a lambda capturing plain values is rebuilt into a task that computes the same thing,
 * one capturing others too with them read by the codec, a bean call with plain arguments into the same call; anything
 * else is left to the codec.
 */
class CompactCallsTests {

	private final JavaSerializationCodec codec = new JavaSerializationCodec(ClassAllowList.of(List.of("*")), "allow it",
			1 << 20);

	private final CompactCalls reader = new CompactCalls(getClass().getClassLoader(), this.codec);

	@Test
	void aLambdaCapturingPlainValuesIsRebuiltWithThem() throws Throwable {
		int number = 20;
		String text = "x";
		byte[] bytes = { 1, 2 };
		Long nothing = null;
		SerializableCallable<String> task = () -> text.repeat(number + 1) + bytes.length + nothing;
		CallRequest request = CompactCalls.encodeTask(task, "task under test", 1 << 20, this.codec);
		assertThat(request).isNotNull();
		assertThat(request.codecOffset()).isEqualTo(-1);
		Payload encoded = request.payload();
		assertThat(encoded.bytes()).hasSize((int) encoded.size());
		assertThat(this.reader.decode(encoded.bytes()).invoke(null)).isEqualTo(task.call());
		Invocation rebuilt = decode(encoded);
		assertThat(rebuilt.describe()).isEqualTo("task under test");
		assertThat(rebuilt.invoke(null)).isEqualTo(task.call()).isEqualTo("x".repeat(21) + "2null");
		// twice, through what the first reading found
		SerializableCallable<Integer> another = () -> number * 2;
		assertThat(decode(CompactCalls.encodeTask(another, "again", 1 << 20, null).payload()).invoke(null))
			.isEqualTo(40);
	}

	@Test
	void aLambdaCapturingOtherValuesIsRebuiltWithThemReadByTheCodecAndSharedStillShared() throws Throwable {
		List<String> list = new ArrayList<>(List.of("a"));
		List<String> same = list;
		int number = 3;
		SerializableCallable<Boolean> task = () -> list == same && list.size() + number == 4;
		CallRequest request = CompactCalls.encodeTask(task, "captures a list twice", 1 << 20, this.codec);
		assertThat(request).isNotNull();
		byte[] bytes = request.payload().bytes();
		assertThat(this.codec.decode(Arrays.copyOfRange(bytes, request.codecOffset(), bytes.length),
				getClass().getClassLoader())).isInstanceOf(Object[].class);
		Invocation rebuilt = decode(request.payload());
		assertThat(rebuilt.describe()).isEqualTo("captures a list twice");
		assertThat(rebuilt.invoke(null)).isEqualTo(true);
	}

	@Test
	void whatIsNotALambdaWithPlainCapturesOrACodecForTheOthersIsLeftToTheCodec() {
		List<Integer> list = List.of(1);
		SerializableCallable<Integer> capturesAList = () -> list.size();
		assertThat(CompactCalls.encodeTask(capturesAList, "list", 1 << 20, null)).isNull();
		assertThat(CompactCalls.encodeTask(new Named(), "record", 1 << 20, this.codec)).isNull();
		Callable<Integer> notSerializable = () -> 1;
		assertThat(CompactCalls.encodeTask(notSerializable, "plain lambda", 1 << 20, this.codec)).isNull();
		byte[] large = new byte[2048];
		assertThat(CompactCalls.encodeTask((SerializableCallable<Integer>) () -> large.length, "large", 1024,
				this.codec)).isNull();
		Object notSerializableValue = new Object();
		assertThat(CompactCalls.encodeTask((SerializableCallable<Integer>) () -> notSerializableValue.hashCode(),
				"refused by the codec", 1 << 20, this.codec)).isNull();
	}

	@Test
	void aBeanCallWithPlainArgumentsIsRebuiltAndOneWithOtherArgumentsIsLeftToTheCodec() throws Exception {
		Method method = String.class.getMethod("regionMatches", boolean.class, int.class, String.class, int.class,
				int.class);
		Object[] arguments = { true, 0, "ABC", 0, 3 };
		BeanMethodInvocation call = BeanMethodInvocation.of(new BeanCall(null, String.class, method, arguments));
		Invocation rebuilt = decode(CompactCalls.encodeBeanCall(call, 1 << 20));
		assertThat(rebuilt).isInstanceOfSatisfying(BeanMethodInvocation.class, (bean) -> {
			assertThat(bean.describe()).isEqualTo(call.describe())
				.isEqualTo("java.lang.String.regionMatches(boolean, int, java.lang.String, int, int)");
			assertThat(bean.beanName()).isNull();
			assertThat(bean.arguments()).containsExactly(arguments);
		});
		BeanMethodInvocation named = BeanMethodInvocation.of(new BeanCall("text", String.class, method, arguments));
		assertThat(((BeanMethodInvocation) decode(CompactCalls.encodeBeanCall(named, 1 << 20)))
			.beanName()).isEqualTo("text");
		Method withAList = List.class.getMethod("addAll", java.util.Collection.class);
		assertThat(CompactCalls.encodeBeanCall(
				BeanMethodInvocation.of(new BeanCall("list", List.class, withAList, new Object[] { List.of(1) })), 1 << 20))
			.isNull();
		assertThat(CompactCalls.encodeBeanCall(call, 10)).isNull();
	}

	@Test
	void aProcessTargetIsRebuiltIntoATaskThatRunsIt() throws Throwable {
		String message = "ran in the rebuilt target";
		SerializableRunnable target = () -> {
			throw new IllegalStateException(message);
		};
		Invocation rebuilt = decode(CompactCalls.encodeProcessTarget(target, "process target", 1 << 20, null).payload());
		assertThat(rebuilt.describe()).isEqualTo("process target");
		assertThatThrownBy(() -> rebuilt.invoke(null)).isInstanceOf(IllegalStateException.class).hasMessage(message);
		SerializableRunnable quiet = () -> {
		};
		assertThat(decode(CompactCalls.encodeProcessTarget(quiet, "quiet", 1 << 20, null).payload()).invoke(null))
			.isNull();
	}

	/** Decodes as a worker decodes a staged call: in place, from memory off the heap. */
	private Invocation decode(Payload payload) throws ReflectiveOperationException {
		ByteBuffer direct = ByteBuffer.allocateDirect((int) payload.size());
		payload.writeTo(direct);
		assertThat(direct.hasRemaining()).isFalse();
		return this.reader.decode(direct.flip());
	}

	private record Named() implements SerializableCallable<Integer> {

		@Override
		public Integer call() {
			return 1;
		}

	}

}

package dev.mp.internal.call;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.mp.SerializableRunnable;
import dev.mp.internal.wire.BufferStreams;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.PlainValues;
import dev.mp.internal.wire.ProtocolException;
import dev.mp.spi.Codec;

/**
 * The two most common calls in a form of mp's own instead of JDK serialization, which spends most of a small call's
 * time setting up its streams: a task lambda, sent as the parts of its serialized form, and a bean method call whose
 * arguments are all plain ({@link PlainValues}), sent as names and values. A lambda's captured values travel as plain
 * values when they all are, else together as one array through the codec (to the payload's end, where
 * {@link CallRequest#codecOffset()} points). For a lambda the child finds its capturing class's
 * {@code $deserializeLambda$} once, where JDK serialization (and Fory) looks it up again for every lambda it reads, and
 * rebuilds each lambda with it, as {@link SerializedLambda} itself would.
 */
public final class CompactCalls {

	private static final byte LAMBDA = 1;

	private static final byte BEAN_METHOD = 2;

	/** A process's target lambda ({@code SerializableRunnable}), run as the body of a plain {@code ManagedProcess}. */
	private static final byte PROCESS_TARGET = 3;

	/** Added to a lambda's kind when its captured values follow as one array the codec wrote. */
	private static final byte CAPTURED_BY_CODEC = 0x10;

	/** How to write a serializable lambda's class; empty for other classes. */
	private static final ClassValue<Optional<LambdaWriter>> WRITERS = new ClassValue<>() {

		@Override
		protected Optional<LambdaWriter> computeValue(Class<?> type) {
			if (!type.isSynthetic()) {
				return Optional.empty();
			}
			try {
				Method writeReplace = type.getDeclaredMethod("writeReplace");
				writeReplace.setAccessible(true);
				return Optional.of(new LambdaWriter(writeReplace));
			}
			catch (NoSuchMethodException | RuntimeException ex) {
				return Optional.empty();
			}
		}

	};

	/** Lambda shapes read so far, by the bytes of their header; bounded, since each is a lambda class of the app. */
	private static final int MAX_SHAPES = 4096;

	private static final ClassValue<MethodHandle> DESERIALIZE_LAMBDA = new ClassValue<>() {

		@Override
		protected MethodHandle computeValue(Class<?> capturingClass) {
			try {
				return MethodHandles.privateLookupIn(capturingClass, MethodHandles.lookup())
					.findStatic(capturingClass, "$deserializeLambda$",
							MethodType.methodType(Object.class, SerializedLambda.class));
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(capturingClass.getName() + " cannot rebuild its lambdas: " + ex, ex);
			}
		}

	};

	private final ClassLoader classLoader;

	private final Codec codec;

	private final Map<String, Class<?>> capturingClasses = new ConcurrentHashMap<>();

	private final Map<ByteBuffer, LambdaShape> shapes = new ConcurrentHashMap<>();

	/**
	 * @param classLoader the loader of the classes that wrote the lambdas
	 * @param codec what reads captured values that are not plain
	 */
	public CompactCalls(ClassLoader classLoader, Codec codec) {
		this.classLoader = classLoader;
		this.codec = codec;
	}

	/**
	 * The parent's side, for a task.
	 * @param maxBytes the frame limit
	 * @param codec what writes captured values that are not plain, or {@code null} to send only plain ones
	 * @return the task's compact form, or {@code null} if it is not a serializable lambda, has a captured value that is
	 * not plain (with no codec, or one that cannot write it) or would not fit in a frame
	 */
	public static @Nullable CallRequest encodeTask(Callable<?> task, String description, int maxBytes,
			@Nullable Codec codec) {
		return encodeLambda(task, LAMBDA, description, maxBytes, codec);
	}

	/**
	 * The parent's side, for the target of a plain process (whose body only runs its target).
	 * @return the target's compact form, or {@code null} as for {@link #encodeTask}
	 */
	public static @Nullable CallRequest encodeProcessTarget(SerializableRunnable target, String description,
			int maxBytes, @Nullable Codec codec) {
		return encodeLambda(target, PROCESS_TARGET, description, maxBytes, codec);
	}

	private static @Nullable CallRequest encodeLambda(Object task, byte kind, String description, int maxBytes,
			@Nullable Codec codec) {
		Optional<LambdaWriter> writer = WRITERS.get(task.getClass());
		if (writer.isEmpty()) {
			return null;
		}
		try {
			if (!(writer.get().writeReplace.invoke(task) instanceof SerializedLambda lambda)) {
				return null;
			}
			Object[] captured = new Object[lambda.getCapturedArgCount()];
			boolean plain = true;
			for (int i = 0; i < captured.length; i++) {
				captured[i] = lambda.getCapturedArg(i);
				plain &= PlainValues.isPlain(captured[i]);
			}
			if (!plain && codec == null) {
				return null;
			}
			ByteArrayOutputStream head = new ByteArrayOutputStream(256);
			DataOutputStream out = new DataOutputStream(head);
			out.writeByte(plain ? kind : kind | CAPTURED_BY_CODEC);
			out.writeUTF(description);
			byte[] header = writer.get().header(lambda);
			out.writeInt(header.length);
			out.write(header);
			if (!plain) {
				int codecOffset = out.size();
				// one graph, so that values captured twice, or referring to each other, stay shared
				out.write(codec.encode(captured));
				return fitting(new CallRequest(FrameType.COMPACT_CALL, Payload.of(head.toByteArray()), codecOffset),
						maxBytes);
			}
			out.writeInt(captured.length);
			// the captured values stay values until the payload is written where it goes: a captured megabyte is
			// then copied once, into the socket's buffer or into shared memory
			return fitting(new CallRequest(FrameType.COMPACT_CALL, Payload.withValues(head.toByteArray(), captured)),
					maxBytes);
		}
		catch (ReflectiveOperationException | IOException | RuntimeException ex) {
			// the codec's way then says what is wrong, if anything is
			return null;
		}
	}

	/**
	 * The parent's side, for a bean method call.
	 * @param maxBytes the frame limit
	 * @return the call's compact form, or {@code null} if an argument is not plain or it would not fit in a frame
	 */
	public static Payload encodeBeanCall(BeanMethodInvocation call, int maxBytes) {
		Object[] arguments = call.arguments();
		for (Object argument : arguments) {
			if (!PlainValues.isPlain(argument)) {
				return null;
			}
		}
		try {
			ByteArrayOutputStream head = new ByteArrayOutputStream(256);
			DataOutputStream out = new DataOutputStream(head);
			out.writeByte(BEAN_METHOD);
			PlainValues.write(out, call.beanName());
			out.writeUTF(call.beanType());
			out.writeUTF(call.methodName());
			out.writeInt(call.parameterTypes().length);
			for (String type : call.parameterTypes()) {
				out.writeUTF(type);
			}
			out.writeInt(arguments.length);
			return fitting(Payload.withValues(head.toByteArray(), arguments), maxBytes);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** Over the limit, the codec's way says what to do about it. */
	private static @Nullable Payload fitting(Payload payload, int maxBytes) {
		return (payload.size() <= maxBytes) ? payload : null;
	}

	private static @Nullable CallRequest fitting(CallRequest call, int maxBytes) {
		return (fitting(call.payload(), maxBytes) != null) ? call : null;
	}

	/**
	 * The child's side: rebuilds the call.
	 * @throws ProtocolException if the bytes are not a compact call
	 * @throws ReflectiveOperationException if a lambda's capturing class is missing here or cannot rebuild it
	 */
	public Invocation decode(byte[] payload) throws ReflectiveOperationException {
		return decode(ByteBuffer.wrap(payload));
	}

	/**
	 * The same, reading the buffer's remaining bytes in place (a frame's payload in shared memory).
	 * @throws ProtocolException if the bytes are not a compact call
	 * @throws ReflectiveOperationException if a lambda's capturing class is missing here or cannot rebuild it
	 */
	public Invocation decode(ByteBuffer payload) throws ReflectiveOperationException {
		try {
			DataInputStream in = BufferStreams.input(payload);
			byte kind = in.readByte();
			return switch (kind) {
				case LAMBDA, LAMBDA | CAPTURED_BY_CODEC -> readTask(in, false, kind != LAMBDA);
				case PROCESS_TARGET, PROCESS_TARGET | CAPTURED_BY_CODEC -> readTask(in, true, kind != PROCESS_TARGET);
				case BEAN_METHOD -> readBeanCall(in);
				default -> throw new ProtocolException("Unknown compact call kind " + kind);
			};
		}
		catch (IOException ex) {
			throw new ProtocolException("Malformed compact call: " + ex);
		}
	}

	private static BeanMethodInvocation readBeanCall(DataInputStream in) throws IOException {
		String beanName = (String) PlainValues.read(in);
		String beanType = in.readUTF();
		String methodName = in.readUTF();
		String[] parameterTypes = new String[count(in)];
		for (int i = 0; i < parameterTypes.length; i++) {
			parameterTypes[i] = in.readUTF();
		}
		Object[] arguments = readValues(in);
		return new BeanMethodInvocation(beanName, beanType, methodName, parameterTypes, arguments);
	}

	private static Object[] readValues(DataInputStream in) throws IOException {
		Object[] values = new Object[count(in)];
		for (int i = 0; i < values.length; i++) {
			values[i] = PlainValues.read(in);
		}
		return values;
	}

	/** A count of items of at least a byte each, so never more than the bytes left. */
	private static int count(DataInputStream in) throws IOException {
		int count = in.readInt();
		if (count < 0 || count > in.available()) {
			throw new ProtocolException("Impossible count " + count);
		}
		return count;
	}

	private TaskInvocation readTask(DataInputStream in, boolean processTarget, boolean capturedByCodec)
			throws IOException, ReflectiveOperationException {
		try {
			String description = in.readUTF();
			byte[] header = new byte[count(in)];
			in.readFully(header);
			LambdaShape shape = this.shapes.get(ByteBuffer.wrap(header));
			if (shape == null) {
				shape = readShape(header);
				if (this.shapes.size() >= MAX_SHAPES) {
					this.shapes.clear();
				}
				this.shapes.put(ByteBuffer.wrap(header), shape);
			}
			Object[] captured = capturedByCodec ? readEncoded(in) : readValues(in);
			Object task = shape.deserialize().invoke(shape.lambda(captured));
			if (processTarget) {
				SerializableRunnable target = (SerializableRunnable) task;
				return new TaskInvocation(() -> {
					target.run();
					return null;
				}, description);
			}
			return new TaskInvocation((Callable<?>) task, description);
		}
		catch (IOException | ReflectiveOperationException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Cannot rebuild a task lambda: " + ex, ex);
		}
	}

	/** The captured values the codec wrote, the rest of the payload: read in one copy (readAllBytes makes three). */
	private Object[] readEncoded(DataInputStream in) throws IOException {
		byte[] encoded = new byte[in.available()];
		in.readFully(encoded);
		return (Object[]) this.codec.decode(encoded, this.classLoader);
	}

	private LambdaShape readShape(byte[] header) throws IOException, ReflectiveOperationException {
		DataInputStream in = new DataInputStream(new ByteArrayInputStream(header));
		Class<?> capturingClass = capturingClass(in.readUTF());
		return new LambdaShape(capturingClass, in.readUTF(), in.readUTF(), in.readUTF(), in.readInt(), in.readUTF(),
				in.readUTF(), in.readUTF(), in.readUTF(), DESERIALIZE_LAMBDA.get(capturingClass));
	}

	private Class<?> capturingClass(String internalName) throws ClassNotFoundException {
		Class<?> known = this.capturingClasses.get(internalName);
		if (known == null) {
			known = Class.forName(internalName.replace('/', '.'), false, this.classLoader);
			this.capturingClasses.put(internalName, known);
		}
		return known;
	}

	/** A lambda class's {@code writeReplace}, and the part of its serialized form that every instance shares. */
	private static final class LambdaWriter {

		private final Method writeReplace;

		private volatile byte[] header;

		LambdaWriter(Method writeReplace) {
			this.writeReplace = writeReplace;
		}

		byte[] header(SerializedLambda lambda) throws IOException {
			byte[] known = this.header;
			if (known == null) {
				ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
				DataOutputStream out = new DataOutputStream(bytes);
				out.writeUTF(lambda.getCapturingClass());
				out.writeUTF(lambda.getFunctionalInterfaceClass());
				out.writeUTF(lambda.getFunctionalInterfaceMethodName());
				out.writeUTF(lambda.getFunctionalInterfaceMethodSignature());
				out.writeInt(lambda.getImplMethodKind());
				out.writeUTF(lambda.getImplClass());
				out.writeUTF(lambda.getImplMethodName());
				out.writeUTF(lambda.getImplMethodSignature());
				out.writeUTF(lambda.getInstantiatedMethodType());
				known = bytes.toByteArray();
				this.header = known;
			}
			return known;
		}

	}

	/** What a header says, read once: everything a {@link SerializedLambda} needs but its captured values. */
	private record LambdaShape(Class<?> capturingClass, String functionalInterface, String functionalMethod,
			String functionalSignature, int implKind, String implClass, String implMethod, String implSignature,
			String instantiatedType, MethodHandle deserialize) {

		SerializedLambda lambda(Object[] captured) {
			return new SerializedLambda(this.capturingClass, this.functionalInterface, this.functionalMethod,
					this.functionalSignature, this.implKind, this.implClass, this.implMethod, this.implSignature,
					this.instantiatedType, captured);
		}

	}

}

package dev.mp.child;

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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import dev.mp.wire.PlainValues;
import dev.mp.wire.ProtocolException;

/**
 * The two most common calls in a form of mp's own instead of JDK serialization, which spends most of a small call's
 * time setting up its streams: a task lambda whose captured values are all plain ({@link PlainValues}), sent as the
 * parts of its serialized form, and a bean method call whose arguments are all plain, sent as names and values. For a
 * lambda the child finds its capturing class's {@code $deserializeLambda$} once, where JDK serialization looks it up
 * again for every lambda it reads, and rebuilds each lambda with it, as {@link SerializedLambda} itself would.
 */
public final class CompactCalls {

	private static final byte LAMBDA = 1;

	private static final byte BEAN_METHOD = 2;

	/** A serializable lambda's {@code writeReplace}, which gives its {@link SerializedLambda}; empty for others. */
	private static final ClassValue<Optional<Method>> WRITE_REPLACE = new ClassValue<>() {

		@Override
		protected Optional<Method> computeValue(Class<?> type) {
			if (!type.isSynthetic()) {
				return Optional.empty();
			}
			try {
				Method writeReplace = type.getDeclaredMethod("writeReplace");
				writeReplace.setAccessible(true);
				return Optional.of(writeReplace);
			}
			catch (NoSuchMethodException | RuntimeException ex) {
				return Optional.empty();
			}
		}

	};

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

	private final Map<String, Class<?>> capturingClasses = new ConcurrentHashMap<>();

	/** @param classLoader the loader of the classes that wrote the lambdas */
	public CompactCalls(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	/**
	 * The parent's side, for a task.
	 * @param maxBytes the frame limit
	 * @return the task's compact form, or {@code null} if it is not a serializable lambda with plain captured values
	 * or would not fit in a frame
	 */
	public static byte[] encodeTask(Callable<?> task, String description, int maxBytes) {
		Optional<Method> writeReplace = WRITE_REPLACE.get(task.getClass());
		if (writeReplace.isEmpty()) {
			return null;
		}
		try {
			if (!(writeReplace.get().invoke(task) instanceof SerializedLambda lambda)) {
				return null;
			}
			long size = 384;
			for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
				if (!PlainValues.isPlain(lambda.getCapturedArg(i))) {
					return null;
				}
				size += PlainValues.sizeOf(lambda.getCapturedArg(i));
			}
			if (size > maxBytes) {
				// the codec's way says what to do about it, having stopped at the limit
				return null;
			}
			// sized up front: a captured megabyte is then copied once, not once per doubling
			ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
			DataOutputStream out = new DataOutputStream(bytes);
			out.writeByte(LAMBDA);
			out.writeUTF(description);
			out.writeUTF(lambda.getCapturingClass());
			out.writeUTF(lambda.getFunctionalInterfaceClass());
			out.writeUTF(lambda.getFunctionalInterfaceMethodName());
			out.writeUTF(lambda.getFunctionalInterfaceMethodSignature());
			out.writeInt(lambda.getImplMethodKind());
			out.writeUTF(lambda.getImplClass());
			out.writeUTF(lambda.getImplMethodName());
			out.writeUTF(lambda.getImplMethodSignature());
			out.writeUTF(lambda.getInstantiatedMethodType());
			out.writeInt(lambda.getCapturedArgCount());
			for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
				PlainValues.write(out, lambda.getCapturedArg(i));
			}
			return fitting(bytes, maxBytes);
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
	public static byte[] encodeBeanCall(BeanMethodInvocation call, int maxBytes) {
		Object[] arguments = call.arguments();
		long size = 256;
		for (Object argument : arguments) {
			if (!PlainValues.isPlain(argument)) {
				return null;
			}
			size += PlainValues.sizeOf(argument);
		}
		if (size > maxBytes) {
			return null;
		}
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
			DataOutputStream out = new DataOutputStream(bytes);
			out.writeByte(BEAN_METHOD);
			PlainValues.write(out, call.beanName());
			out.writeUTF(call.beanType());
			out.writeUTF(call.methodName());
			out.writeInt(call.parameterTypes().length);
			for (String type : call.parameterTypes()) {
				out.writeUTF(type);
			}
			out.writeInt(arguments.length);
			for (Object argument : arguments) {
				PlainValues.write(out, argument);
			}
			return fitting(bytes, maxBytes);
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** Over the limit, the codec's way says what to do about it. */
	private static byte[] fitting(ByteArrayOutputStream bytes, int maxBytes) {
		return (bytes.size() <= maxBytes) ? bytes.toByteArray() : null;
	}

	/**
	 * The child's side: rebuilds the call.
	 * @throws ProtocolException if the bytes are not a compact call
	 * @throws ReflectiveOperationException if a lambda's capturing class is missing here or cannot rebuild it
	 */
	public Invocation decode(byte[] payload) throws ReflectiveOperationException {
		try {
			DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
			byte kind = in.readByte();
			return switch (kind) {
				case LAMBDA -> readTask(in);
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

	private TaskInvocation readTask(DataInputStream in) throws IOException, ReflectiveOperationException {
		try {
			String description = in.readUTF();
			Class<?> capturingClass = capturingClass(in.readUTF());
			String functionalInterface = in.readUTF();
			String functionalMethod = in.readUTF();
			String functionalSignature = in.readUTF();
			int implKind = in.readInt();
			String implClass = in.readUTF();
			String implMethod = in.readUTF();
			String implSignature = in.readUTF();
			String instantiatedType = in.readUTF();
			Object[] captured = readValues(in);
			SerializedLambda lambda = new SerializedLambda(capturingClass, functionalInterface, functionalMethod,
					functionalSignature, implKind, implClass, implMethod, implSignature, instantiatedType, captured);
			Object task = DESERIALIZE_LAMBDA.get(capturingClass).invoke(lambda);
			return new TaskInvocation((Callable<?>) task, description);
		}
		catch (IOException | ReflectiveOperationException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Cannot rebuild a task lambda: " + ex, ex);
		}
	}

	private Class<?> capturingClass(String internalName) throws ClassNotFoundException {
		Class<?> known = this.capturingClasses.get(internalName);
		if (known == null) {
			known = Class.forName(internalName.replace('/', '.'), false, this.classLoader);
			this.capturingClasses.put(internalName, known);
		}
		return known;
	}

}

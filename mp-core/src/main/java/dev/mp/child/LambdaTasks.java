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
 * Task lambdas whose captured values are all plain ({@link PlainValues}), sent as the parts of their serialized form
 * instead of through JDK serialization, which spends most of a small call's time setting up its streams and
 * looking up the capturing class's {@code $deserializeLambda$} again for every lambda it reads. The child finds that
 * method once per capturing class and rebuilds each lambda with it, as {@link SerializedLambda} itself would.
 */
public final class LambdaTasks {

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
	public LambdaTasks(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	/**
	 * The parent's side.
	 * @param maxBytes the frame limit
	 * @return the task's compact form, or {@code null} if it is not a serializable lambda with plain captured values
	 * or would not fit in a frame
	 */
	public static byte[] encode(Callable<?> task, String description, int maxBytes) {
		Optional<Method> writeReplace = WRITE_REPLACE.get(task.getClass());
		if (writeReplace.isEmpty()) {
			return null;
		}
		try {
			if (!(writeReplace.get().invoke(task) instanceof SerializedLambda lambda)) {
				return null;
			}
			for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
				if (!PlainValues.isPlain(lambda.getCapturedArg(i))) {
					return null;
				}
			}
			ByteArrayOutputStream bytes = new ByteArrayOutputStream(384);
			DataOutputStream out = new DataOutputStream(bytes);
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
			// over the limit, the codec's way says what to do about it
			return (bytes.size() <= maxBytes) ? bytes.toByteArray() : null;
		}
		catch (ReflectiveOperationException | IOException | RuntimeException ex) {
			// the codec's way then says what is wrong, if anything is
			return null;
		}
	}

	/**
	 * The child's side: rebuilds the task.
	 * @throws ProtocolException if the bytes are not a compact lambda
	 * @throws ReflectiveOperationException if its capturing class is missing here or cannot rebuild it
	 */
	public TaskInvocation decode(byte[] payload) throws ReflectiveOperationException {
		try {
			DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
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
			int count = in.readInt();
			if (count < 0 || count > in.available()) {
				throw new ProtocolException("Impossible count of captured values: " + count);
			}
			Object[] captured = new Object[count];
			for (int i = 0; i < count; i++) {
				captured[i] = PlainValues.read(in);
			}
			SerializedLambda lambda = new SerializedLambda(capturingClass, functionalInterface, functionalMethod,
					functionalSignature, implKind, implClass, implMethod, implSignature, instantiatedType, captured);
			Object task = DESERIALIZE_LAMBDA.get(capturingClass).invoke(lambda);
			return new TaskInvocation((Callable<?>) task, description);
		}
		catch (IOException ex) {
			throw new ProtocolException("Malformed lambda call: " + ex);
		}
		catch (ReflectiveOperationException | RuntimeException | Error ex) {
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

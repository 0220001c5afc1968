package dev.mp.internal.call;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.mp.ManagedProcess;
import dev.mp.SerializableRunnable;
import dev.mp.internal.codec.BackgroundCodec;
import dev.mp.internal.codec.ClassAllowList;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.codec.ColdStartCodec;
import dev.mp.internal.codec.JavaSerializationCodec;
import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.spi.CallObserver;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/**
 * The one place a call gets its wire form: mp's compact form where the call is a serializable lambda (its captured
 * values through the codec unless they are all plain) or a bean call with plain values (after the allow-list check the
 * codec would make), the template's codec otherwise. It also owns the allow-list, which grows by the package of every
 * target started, and the JDK codec made from it. A provider's codec is built once, in the background: it asks the
 * allow-list as it is at each class, and falls back to the JDK codec as it is at each value; until it is built, and for
 * a worker that has not built its own yet, values go with the JDK codec (see {@link ColdStartCodec}). Each call takes
 * the caller's context (its MDC) as it is made, in the caller's thread, and starts its observation there when the
 * template has a {@link CallObserver}.
 */
public final class CallEncoder {

	private final Set<String> allowedPatterns = ConcurrentHashMap.newKeySet();

	private final String howToAllow;

	private final int maxFrameBytes;

	private final CodecChoice choice;

	private final CallContext context;

	private final @Nullable CallObserver observer;

	private final ClassLoader classLoader;

	private volatile JavaSerializationCodec javaCodec;

	/** The provider's codec, or {@code null} when the template uses the JDK codec. */
	private final @Nullable BackgroundCodec providedCodec;

	/** The provider's codec with the JDK codec beside it, or {@code null} when the template uses the JDK codec. */
	private final @Nullable ColdStartCodec coldStartCodec;

	/**
	 * @param choice the template's codec
	 * @param context what of the caller's context each call carries
	 * @param observer what observes each call, or {@code null}
	 * @param classLoader the loader values are usually decoded with
	 */
	public CallEncoder(Collection<String> allowedPatterns, String howToAllow, int maxFrameBytes, CodecChoice choice,
			CallContext context, @Nullable CallObserver observer, ClassLoader classLoader) {
		this.allowedPatterns.addAll(allowedPatterns);
		this.howToAllow = howToAllow;
		this.maxFrameBytes = maxFrameBytes;
		this.choice = choice;
		this.context = context;
		this.observer = observer;
		this.classLoader = classLoader;
		this.javaCodec = newJavaCodec();
		CodecProvider provider = choice.provider();
		this.providedCodec = (provider != null) ? new BackgroundCodec(choice.name(),
				() -> provider.create(new CodecSettings((name) -> allowList().allowsNamed(name), howToAllow,
						maxFrameBytes, new CurrentJavaCodec(), classLoader)), BackgroundCodec.OWN_THREAD)
				: null;
		this.coldStartCodec = (this.providedCodec != null)
				? new ColdStartCodec(this.providedCodec, new CurrentJavaCodec()) : null;
	}

	/** The template's codec, which both sides of every call use. */
	public CodecChoice choice() {
		return this.choice;
	}

	/**
	 * The template's codec: the provider's (the JDK codec until it is built, see {@link ColdStartCodec}), or the JDK
	 * codec as it is now (made anew as the allow-list grows).
	 */
	public Codec codec() {
		return (this.coldStartCodec != null) ? this.coldStartCodec : this.javaCodec;
	}

	/**
	 * The call for a worker that has not built the provider's codec yet: what the codec wrote of it is read back
	 * and written with the JDK codec, which the worker reads at once, rather than wait 50 to 200 ms for its build. As
	 * it was when the JDK codec cannot carry it, or it is in that form already.
	 */
	public CallRequest forColdWorker(CallRequest call) {
		int offset = call.codecOffset();
		if (this.providedCodec == null || offset < 0) {
			return call;
		}
		byte[] bytes = call.payload().bytes();
		if (ColdStartCodec.inJdkForm(bytes, offset)) {
			return call;
		}
		byte[] java;
		try {
			Object value = this.providedCodec.decode(Arrays.copyOfRange(bytes, offset, bytes.length),
					this.classLoader);
			java = this.javaCodec.encode(value);
		}
		catch (RuntimeException ex) {
			// not Serializable, say, or larger in that form: the worker builds its codec to read it
			return call;
		}
		if ((long) offset + java.length > this.maxFrameBytes) {
			return call;
		}
		byte[] transcoded = Arrays.copyOf(bytes, offset + java.length);
		System.arraycopy(java, 0, transcoded, offset, java.length);
		return new CallRequest(call.type(), Payload.of(transcoded), offset, call.observed(), call.stream());
	}

	/** What may cross as it is now: the defaults, what was added, and the packages of the targets started so far. */
	public ClassAllowList allowList() {
		return this.javaCodec.allowList();
	}

	/**
	 * A task, with the package of the class that wrote it let through the allow-list first.
	 * @param pool the pool it goes to, or {@code null} for a fresh child JVM
	 * @param observedAs the class that names it to the template's observer, or {@code null} for a call not observed
	 * (a pool's initializer)
	 */
	public CallRequest task(Callable<?> task, String description, @Nullable String pool,
			@Nullable Class<?> observedAs) {
		CallRequest call = encodeTask(task, description);
		// the observer's view is made only when there is one: no cost per call otherwise
		return this.context.attach(call, (this.observer != null && observedAs != null)
				? this.observer.start(taskInfo(pool, observedAs)) : null, this.maxFrameBytes);
	}

	private CallRequest encodeTask(Callable<?> task, String description) {
		if (allowList().allows(task.getClass())) {
			CallRequest compact = CompactCalls.encodeTask(task, description, this.maxFrameBytes, codec());
			if (compact != null) {
				return compact;
			}
		}
		return CallRequest.encoded(codec().encode(new TaskInvocation(task, description)));
	}

	/**
	 * A bean method call: compact when its arguments are plain (JDK value types the allow-list always lets through).
	 * @param pool the pool it goes to, or {@code null} for a fresh child JVM
	 */
	public CallRequest beanCall(BeanMethodInvocation call, @Nullable String pool) {
		Payload compact = CompactCalls.encodeBeanCall(call, this.maxFrameBytes);
		CallRequest encoded = (compact != null) ? new CallRequest(FrameType.COMPACT_CALL, compact)
				: CallRequest.encoded(codec().encode(call));
		return this.context.attach(encoded, (this.observer != null)
				? this.observer.start(new CallObserver.CallInfo(pool, call.beanMethod(), true)) : null,
				this.maxFrameBytes);
	}

	/**
	 * A process body. A plain process whose target is such a lambda sends only its target, which is all its body runs;
	 * a subclass's fields and overridden {@code run()} travel through the codec.
	 */
	public CallRequest process(ManagedProcess process, @Nullable SerializableRunnable target, String description) {
		CallRequest call = encodeProcess(process, target, description);
		return this.context.attach(call, (this.observer != null)
				? this.observer.start(taskInfo(null, bodyClass(process, target))) : null, this.maxFrameBytes);
	}

	/** What a task's observation is told of it. */
	private static CallObserver.CallInfo taskInfo(@Nullable String pool, Class<?> userClass) {
		return new CallObserver.CallInfo(pool, userClass.isHidden() ? userClass.getNestHost().getName()
				: userClass.getName(), false);
	}

	private CallRequest encodeProcess(ManagedProcess process, @Nullable SerializableRunnable target,
			String description) {
		if (process.getClass() == ManagedProcess.class && target != null && allowList().allows(target.getClass())) {
			CallRequest compact = CompactCalls.encodeProcessTarget(target, description, this.maxFrameBytes, codec());
			if (compact != null) {
				return compact;
			}
		}
		return CallRequest.encoded(codec().encode(new TaskInvocation(new ProcessBody(process), description)));
	}

	/** Lets the package (and sub-packages) of a target class through the serialization allow-list. */
	public void allowPackageOf(Class<?> type) {
		String pkg = type.getPackageName();
		// a lambda's hidden class is a nestmate of the class that wrote it, which is what must be let through
		String host = type.getNestHost().getName();
		List<String> patterns = pkg.isEmpty() ? List.of(host, host + "$*") : List.of(pkg + ".**");
		if (this.allowedPatterns.containsAll(patterns)) {
			return;
		}
		synchronized (this.allowedPatterns) {
			if (this.allowedPatterns.addAll(patterns)) {
				this.javaCodec = newJavaCodec();
			}
		}
	}

	/** The user's class behind a process: its subclass, or the class that wrote its target. */
	public static Class<?> bodyClass(ManagedProcess process, @Nullable SerializableRunnable target) {
		if (target instanceof BoundTarget<?> bound) {
			return bound.target().getClass();
		}
		return (target != null) ? target.getClass() : process.getClass();
	}

	/** A class name for people: a lambda's hidden class is named after the class that wrote it. */
	public static String describe(Class<?> type) {
		return type.isHidden() ? type.getNestHost().getName() + " (lambda)" : type.getName();
	}

	private JavaSerializationCodec newJavaCodec() {
		return new JavaSerializationCodec(ClassAllowList.withDefaults(this.allowedPatterns), this.howToAllow,
				this.maxFrameBytes);
	}

	/** The JDK codec as it is at each value: the provider's codec's fallback, whose allow-list grows with this one. */
	private final class CurrentJavaCodec implements Codec {

		@Override
		public byte[] encode(Object value) {
			return CallEncoder.this.javaCodec.encode(value);
		}

		@Override
		public Object decode(byte[] bytes, ClassLoader classLoader) {
			return CallEncoder.this.javaCodec.decode(bytes, classLoader);
		}

	}

}

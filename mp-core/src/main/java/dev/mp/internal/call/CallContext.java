package dev.mp.internal.call;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.ProtocolException;
import dev.mp.spi.CallObserver;

/**
 * What of the caller's context a call carries to its worker: the caller's MDC (all of its keys, some, or none), taken
 * in the caller's thread as the call is made, and the entries the template's {@link CallObserver} gives it (a trace
 * context). It travels ahead of the call's payload in a {@link FrameType#CONTEXT_CALL} frame, outside the codec, so a
 * codec never sees it; a call with no context to carry keeps its own frame type and costs nothing more. The section is
 * two maps, the MDC then the observer's, each a count then each key and value as UTF-8 with its length; then the
 * call's own frame type code.
 */
public final class CallContext {

	private static final Logger logger = LoggerFactory.getLogger(CallContext.class);

	/** Whether a context was left out for its size: said once, not for every call. */
	private static final AtomicBoolean tooLarge = new AtomicBoolean();

	/** The whole MDC: the default. */
	public static final CallContext ALL = new CallContext(true, null);

	/** No context. */
	public static final CallContext NONE = new CallContext(false, null);

	private final boolean enabled;

	/** The keys that travel, or {@code null} for all. */
	private final @Nullable Set<String> keys;

	private CallContext(boolean enabled, @Nullable Set<String> keys) {
		this.enabled = enabled;
		this.keys = keys;
	}

	/**
	 * @param enabled whether the MDC travels at all
	 * @param keys the MDC keys that travel; empty for all
	 */
	public static CallContext of(boolean enabled, Collection<String> keys) {
		if (!enabled) {
			return NONE;
		}
		return keys.isEmpty() ? ALL : new CallContext(true, Set.copyOf(keys));
	}

	/**
	 * The call with the caller's context and its observer's entries ahead of it; the call as it is when there is
	 * neither to carry, or when with them it would pass the frame limit (the call was checked against it alone, and
	 * must not fail for its context).
	 * @param observed the call's observation, whose entries travel too, or {@code null}
	 */
	public CallRequest attach(CallRequest call, CallObserver.@Nullable Observed observed, int maxFrameBytes) {
		Map<String, String> mdc = mdc();
		Map<String, String> entries = (observed != null) ? observed.entries() : Map.of();
		if (mdc.isEmpty() && entries.isEmpty()) {
			return observedAs(call, observed);
		}
		byte[] section = section(mdc, entries, call.type());
		if (section.length + call.payload().size() > maxFrameBytes) {
			if (tooLarge.compareAndSet(false, true)) {
				logger.warn("A call goes without its caller's MDC and trace ({} bytes): with them, the call would pass "
						+ "the frame limit of {} bytes (restrict mp.worker.mdc.keys, or raise "
						+ "mp.protocol.max-frame-size)", section.length, maxFrameBytes);
			}
			return observedAs(call, observed);
		}
		return new CallRequest(FrameType.CONTEXT_CALL, Payload.prefixed(section, call.payload()),
				(call.codecOffset() < 0) ? -1 : section.length + call.codecOffset(), observed, call.stream());
	}

	private static CallRequest observedAs(CallRequest call, CallObserver.@Nullable Observed observed) {
		return (observed != null)
				? new CallRequest(call.type(), call.payload(), call.codecOffset(), observed, call.stream()) : call;
	}

	/** The caller's MDC as far as it travels: empty when it does not. */
	private Map<String, String> mdc() {
		if (!this.enabled) {
			return Map.of();
		}
		Map<String, String> mdc = MDC.getCopyOfContextMap();
		if (mdc == null) {
			return Map.of();
		}
		if (this.keys != null) {
			mdc.keySet().retainAll(this.keys);
		}
		return mdc;
	}

	private static byte[] section(Map<String, String> mdc, Map<String, String> entries, FrameType type) {
		byte[][] mdcStrings = strings(mdc);
		byte[][] entryStrings = strings(entries);
		int size = 2 * Integer.BYTES + 1;
		for (byte[] string : mdcStrings) {
			size += Integer.BYTES + string.length;
		}
		for (byte[] string : entryStrings) {
			size += Integer.BYTES + string.length;
		}
		ByteBuffer section = ByteBuffer.allocate(size);
		put(section, mdcStrings);
		put(section, entryStrings);
		return section.put(type.code()).array();
	}

	/** Each key and value as UTF-8, in turn. */
	private static byte[][] strings(Map<String, String> map) {
		byte[][] strings = new byte[map.size() * 2][];
		int i = 0;
		for (Map.Entry<String, String> entry : map.entrySet()) {
			strings[i++] = entry.getKey().getBytes(StandardCharsets.UTF_8);
			// an adapter may keep null values, which the worker's MDC takes as empty
			String value = entry.getValue();
			strings[i++] = ((value != null) ? value : "").getBytes(StandardCharsets.UTF_8);
		}
		return strings;
	}

	private static void put(ByteBuffer section, byte[][] strings) {
		section.putInt(strings.length / 2);
		for (byte[] string : strings) {
			section.putInt(string.length).put(string);
		}
	}

	/**
	 * The worker's side: reads the context section of a {@link FrameType#CONTEXT_CALL} payload, which is then left at
	 * the call's own frame type code.
	 * @throws ProtocolException if the section does not fit the payload
	 */
	public static Header read(ByteBuffer payload) {
		Map<String, String> mdc = map(payload);
		return new Header(mdc, map(payload));
	}

	private static Map<String, String> map(ByteBuffer payload) {
		int count = length(payload);
		if (count > payload.remaining() / (2 * Integer.BYTES)) {
			// each entry takes at least its two lengths
			throw new ProtocolException("An unreadable call context");
		}
		Map<String, String> map = new HashMap<>(count * 2);
		for (int i = 0; i < count; i++) {
			map.put(string(payload), string(payload));
		}
		return map;
	}

	private static String string(ByteBuffer payload) {
		byte[] bytes = new byte[length(payload)];
		payload.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A count or a length, checked against the bytes left so that a bad one allocates nothing; big-endian as written,
	 * whatever the order of the buffer (shared memory's is the machine's).
	 */
	private static int length(ByteBuffer payload) {
		int length = -1;
		if (payload.remaining() >= Integer.BYTES) {
			length = 0;
			for (int i = 0; i < Integer.BYTES; i++) {
				length = (length << 8) | (payload.get() & 0xff);
			}
		}
		if (length < 0 || length > payload.remaining()) {
			throw new ProtocolException("An unreadable call context");
		}
		return length;
	}

	/**
	 * A call's header as the worker reads it.
	 * @param mdc the caller's MDC, as far as it travels
	 * @param entries what the parent's {@link CallObserver} gave the call for the worker's
	 */
	public record Header(Map<String, String> mdc, Map<String, String> entries) {
	}

}

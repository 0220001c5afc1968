package dev.mp.spring.observation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mp.spi.CallObserver;

/**
 * Carries the values of the context-propagation {@link ThreadLocalAccessor}s the application opted in (by key) to
 * the worker: in the caller's thread as a call is made, each serializable value in JDK serialization; in the worker,
 * set through the worker's accessor of the same key for the length of the call and put back after. The worker
 * trusts what its parent sends, as it runs the parent's code anyway; nothing travels the other way.
 */
public final class ThreadLocalsCallObserver implements CallObserver {

	private static final Logger logger = LoggerFactory.getLogger(ThreadLocalsCallObserver.class);

	/** What an entry's key starts with, before the accessor's key. */
	static final String PREFIX = "mp.context.";

	private final ContextRegistry registry;

	private final Set<String> keys;

	/** Keys whose values could not travel: said once each. */
	private final Set<String> refused = ConcurrentHashMap.newKeySet();

	/**
	 * @param keys the accessors' keys whose values travel; a worker needs none, it sets whatever comes
	 */
	public ThreadLocalsCallObserver(ContextRegistry registry, List<String> keys) {
		this.registry = registry;
		this.keys = Set.copyOf(keys);
	}

	@Override
	public Observed start(CallInfo call) {
		if (this.keys.isEmpty()) {
			return Observed.NONE;
		}
		Map<String, String> entries = new HashMap<>();
		for (ThreadLocalAccessor<?> accessor : this.registry.getThreadLocalAccessors()) {
			String key = String.valueOf(accessor.key());
			Object value = this.keys.contains(key) ? accessor.getValue() : null;
			if (value != null) {
				String encoded = encode(key, value);
				if (encoded != null) {
					entries.put(PREFIX + key, encoded);
				}
			}
		}
		// the values travel; nothing is left to stop
		return entries.isEmpty() ? Observed.NONE : Observed.of(entries, (failure) -> {
		});
	}

	private @Nullable String encode(String key, Object value) {
		if (!(value instanceof Serializable)) {
			refused(key, value.getClass().getName() + " is not serializable", null);
			return null;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(value);
		}
		catch (IOException | RuntimeException ex) {
			refused(key, "it could not be serialized", ex);
			return null;
		}
		return Base64.getEncoder().encodeToString(bytes.toByteArray());
	}

	private void refused(String key, String why, @Nullable Exception ex) {
		if (this.refused.add(key)) {
			logger.warn("Calls go to their workers without the value of context '{}': {}", key, why, ex);
		}
	}

	@Override
	public Scope open(String description, Map<String, String> entries) {
		List<Runnable> restores = null;
		for (ThreadLocalAccessor<?> accessor : this.registry.getThreadLocalAccessors()) {
			String encoded = entries.get(PREFIX + accessor.key());
			Object value = (encoded != null) ? decode(accessor.key(), encoded) : null;
			if (value != null) {
				restores = (restores != null) ? restores : new ArrayList<>();
				restores.add(set(accessor, value));
			}
		}
		List<Runnable> undo = restores;
		return (failure) -> {
			if (undo != null) {
				for (int i = undo.size() - 1; i >= 0; i--) {
					undo.get(i).run();
				}
			}
		};
	}

	private @Nullable Object decode(Object key, String encoded) {
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder()
			.decode(encoded)))) {
			return in.readObject();
		}
		catch (IOException | ClassNotFoundException | RuntimeException ex) {
			refused(String.valueOf(key), "the worker could not read it", ex);
			return null;
		}
	}

	/** Sets the value on this thread; what puts the thread's own back. */
	@SuppressWarnings("unchecked")
	private static <V> Runnable set(ThreadLocalAccessor<V> accessor, Object value) {
		V previous = accessor.getValue();
		accessor.setValue((V) value);
		return () -> {
			if (previous != null) {
				accessor.restore(previous);
			}
			else {
				accessor.restore();
			}
		};
	}

}

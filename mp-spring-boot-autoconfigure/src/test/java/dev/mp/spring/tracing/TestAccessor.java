package dev.mp.spring.tracing;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Thread-locals the test application registers with context-propagation (a service file, so in its workers too):
 * a tenant, which the tests opt in, and a secret, which they do not.
 */
public abstract class TestAccessor implements ThreadLocalAccessor<String> {

	static final ThreadLocal<String> TENANT = new ThreadLocal<>();

	static final ThreadLocal<String> SECRET = new ThreadLocal<>();

	private final String key;

	private final ThreadLocal<String> local;

	TestAccessor(String key, ThreadLocal<String> local) {
		this.key = key;
		this.local = local;
	}

	@Override
	public Object key() {
		return this.key;
	}

	@Override
	public @Nullable String getValue() {
		return this.local.get();
	}

	@Override
	public void setValue(String value) {
		this.local.set(value);
	}

	@Override
	public void setValue() {
		this.local.remove();
	}

	public static final class Tenant extends TestAccessor {

		public Tenant() {
			super("test.tenant", TENANT);
		}

	}

	public static final class Secret extends TestAccessor {

		public Secret() {
			super("test.secret", SECRET);
		}

	}

}

package dev.mp.internal.worker;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.mp.TargetResolutionException;
import dev.mp.spi.ChildBootstrap;

/**
 * The {@code plain} mode: no container, only serializable tasks.
 */
public final class PlainBootstrap implements ChildBootstrap {

	/** The mode name. */
	public static final String MODE = "plain";

	@Override
	public String mode() {
		return MODE;
	}

	@Override
	public void start(Map<String, String> attributes) {
	}

	@Override
	public Object bean(@Nullable String beanName, Class<?> type) {
		throw new TargetResolutionException("A plain worker has no beans: bean '" + beanName + "' (" + type.getName()
				+ ") can only be called in a worker started in 'spring' bootstrap mode");
	}

	@Override
	public void close() {
	}

}

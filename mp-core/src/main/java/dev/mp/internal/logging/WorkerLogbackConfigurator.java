package dev.mp.internal.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Called by Logback as it configures itself, first of the configurators found as services, and leaving the
 * configuration to the others: in a {@code plain} worker it has the forwarding installed once the configuration is
 * done, so that a worker whose code logs gets its events from the first one on, and a worker that never logs never
 * sets Logback up for them. Anywhere else (an application, a {@code spring} worker, whose Spring Boot configures
 * logging itself) it does nothing.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_TOP_PRIORITY)
public final class WorkerLogbackConfigurator extends ContextAwareBase implements Configurator {

	@Override
	public ExecutionStatus configure(LoggerContext context) {
		LogEventSender sender = LogEvents.plainWorkerSender();
		if (sender != null) {
			LogbackForwarding.onceStarted(context, sender.start());
		}
		return ExecutionStatus.INVOKE_NEXT_IF_ANY;
	}

}

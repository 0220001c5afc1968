package dev.mp.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How remote workers reach the parent: the parent binds its TLS listener to {@code bindAddress:port} (port 0 for any
 * free one) and tells workers to connect to {@code advertisedHost} on the port it got. It pings each connection every
 * {@code pingInterval}; a worker that hears nothing for {@code disconnectGrace} exits by itself.
 *
 * @param bindAddress the local address to listen on, such as {@code 0.0.0.0}
 * @param port the port, or 0 for a free one
 * @param advertisedHost the host or IP address workers connect to (for an app in a pod: its pod IP)
 * @param pingInterval how often the parent shows a connected worker that it is still there
 * @param disconnectGrace how long a worker waits for word from the parent before it exits
 */
public record RemoteAccess(String bindAddress, int port, String advertisedHost, Duration pingInterval,
		Duration disconnectGrace) {

	public RemoteAccess {
		Objects.requireNonNull(bindAddress, "bindAddress");
		Objects.requireNonNull(advertisedHost, "advertisedHost");
		Objects.requireNonNull(pingInterval, "pingInterval");
		Objects.requireNonNull(disconnectGrace, "disconnectGrace");
		if (pingInterval.compareTo(disconnectGrace) >= 0) {
			throw new IllegalArgumentException("The ping interval (" + pingInterval
					+ ") must be shorter than the disconnect grace (" + disconnectGrace + "), or idle workers exit");
		}
	}

}

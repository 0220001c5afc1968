package dev.mp.internal.server;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The connections the accepting thread holds, in the order they came, which is that of their deadlines. The one
 * dropped for a newcomer is picked at random, so that a flood cannot time when a worker's connection goes.
 */
final class HeldConnections {

	final Set<PendingConnection> connections = new LinkedHashSet<>();

	/** How many, for other threads. */
	private volatile int size;

	int size() {
		return this.size;
	}

	/** The one with the next deadline, or {@code null}. */
	@Nullable PendingConnection first() {
		return this.connections.isEmpty() ? null : this.connections.iterator().next();
	}

	void add(PendingConnection connection) {
		this.connections.add(connection);
		this.size = this.connections.size();
	}

	void remove(PendingConnection connection) {
		this.connections.remove(connection);
		this.size = this.connections.size();
	}

	/** Removes one at random: a walk of at most {@link WorkerServer#MAX_PENDING} steps, only when that many wait. */
	PendingConnection removeRandom() {
		Iterator<PendingConnection> walk = this.connections.iterator();
		for (int skip = ThreadLocalRandom.current().nextInt(this.connections.size()); skip > 0; skip--) {
			walk.next();
		}
		PendingConnection dropped = walk.next();
		walk.remove();
		this.size = this.connections.size();
		return dropped;
	}

	void closeAll() {
		this.connections.forEach((connection) -> WorkerServer.closeQuietly(connection.socket));
		this.connections.clear();
		this.size = 0;
	}

}

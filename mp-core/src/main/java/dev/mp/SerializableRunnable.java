package dev.mp;

import java.io.Serializable;

/**
 * A body of work for a child JVM that may throw; its captured values travel with it, so they must be serializable too.
 */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {

	void run() throws Exception;

}

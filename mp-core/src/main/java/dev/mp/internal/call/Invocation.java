package dev.mp.internal.call;

import java.io.Serializable;

import dev.mp.spi.ChildBootstrap;

/**
 * What a child JVM is asked to run: built in the parent, sent in a CALL frame, invoked in the child.
 */
public interface Invocation extends Serializable {

	/**
	 * Runs in the child.
	 * @param bootstrap the child's bootstrap, which resolves beans when the child runs an application context
	 * @return the value to send back (a returned future is awaited first)
	 */
	Object invoke(ChildBootstrap bootstrap) throws Throwable;

	/** What this runs, for people: a task class, or bean and method. */
	String describe();

}

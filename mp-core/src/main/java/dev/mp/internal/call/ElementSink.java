package dev.mp.internal.call;

import java.util.function.IntConsumer;

/**
 * Where the elements of a streamed call go on the caller's side (see {@link CallRequest#streamed}): the connection
 * that sends the call binds it to the worker's demand, then hands it each element as it is read.
 */
public interface ElementSink {

	/**
	 * Binds the sink to the call sent, before any element comes.
	 * @param demand tells the worker that the caller took this many more elements
	 */
	void bind(IntConsumer demand);

	/** The next element, on the connection's reader thread: keep it and return. */
	void element(Object value);

	/** An element could not be read back: the stream fails with this and the call is to be cancelled. */
	void failed(Throwable failure);

}

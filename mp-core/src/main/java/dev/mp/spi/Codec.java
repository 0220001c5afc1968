package dev.mp.spi;

import dev.mp.SerializationException;

/**
 * Turns the values that travel between processes (invocations, arguments, results, exceptions, the messages of
 * queues and pipes) into bytes and back. Implementations must be thread-safe, and must instantiate only classes the
 * application allows when they decode.
 */
public interface Codec {

	/**
	 * Encodes a value.
	 * @throws SerializationException if the value, or something it references, cannot be encoded or is refused
	 */
	byte[] encode(Object value);

	/**
	 * Decodes a value, loading classes through the given class loader.
	 * @throws SerializationException if the bytes cannot be decoded or name a refused class
	 */
	Object decode(byte[] bytes, ClassLoader classLoader);

}

package dev.mp.internal.server;

import dev.mp.internal.wire.FrameChannel;

/** A worker the server expects, as the server sees it: the secret it must prove, and where its proven socket goes. */
public interface ExpectedWorker {

	/** The secret this worker must prove. */
	byte[] secret();

	/** The worker has proved its secret on this socket. */
	void connected(FrameChannel channel);

	/** The worker has proved its secret but its connection could not be taken (no thread for it). */
	void connectionFailed(Throwable cause);

}

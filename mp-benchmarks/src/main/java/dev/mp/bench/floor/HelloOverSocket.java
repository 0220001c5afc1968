package dev.mp.bench.floor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The floor of a worker start: a JVM that connects to the parent's Unix domain socket, writes one byte and exits. An
 * mp child does this plus its handshake, bootstrap and body, so nothing mp does can start faster than this.
 * Usage: {@code HelloOverSocket <socketPath>}.
 */
public final class HelloOverSocket {

	private HelloOverSocket() {
	}

	public static void main(String[] args) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(args[0]));
			ByteBuffer hello = ByteBuffer.wrap(new byte[] { 1 });
			while (hello.hasRemaining()) {
				channel.write(hello);
			}
		}
	}

}

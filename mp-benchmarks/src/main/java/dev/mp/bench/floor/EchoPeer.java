package dev.mp.bench.floor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The floor of a warm call: a JVM that connects to the parent's Unix domain socket and echoes fixed-size messages back
 * until the parent closes the connection. Usage: {@code EchoPeer <socketPath> <messageBytes>}.
 */
public final class EchoPeer {

	private EchoPeer() {
	}

	public static void main(String[] args) throws IOException {
		int size = Integer.parseInt(args[1]);
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(args[0]));
			ByteBuffer buffer = ByteBuffer.allocateDirect(size);
			while (true) {
				buffer.clear();
				while (buffer.hasRemaining()) {
					if (channel.read(buffer) < 0) {
						return; // the parent is done
					}
				}
				buffer.flip();
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
			}
		}
	}

}

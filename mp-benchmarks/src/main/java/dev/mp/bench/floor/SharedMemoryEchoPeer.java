package dev.mp.bench.floor;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor of a large payload's round trip: a JVM that echoes byte arrays through a file of shared memory the parent
 * made, with nothing but the copies a by-value hand-over needs. For each turn the parent writes its array into the
 * call region and raises the call word; this peer reads the region into a new array, writes that array into the answer
 * region and raises the answer word; the parent reads the answer into a new array. Both sides spin on the words. A call
 * word of -1, or the parent's death, ends the peer. Usage: {@code SharedMemoryEchoPeer <file> <payloadBytes>}; the
 * file's layout is {@link #CALL_WORD}, {@link #ANSWER_WORD}, then the call region at {@link #DATA}, then the answer
 * region.
 */
public final class SharedMemoryEchoPeer {

	/** Offset of the turn the parent has written. */
	public static final int CALL_WORD = 0;

	/** Offset of the turn this peer has answered. */
	public static final int ANSWER_WORD = 64;

	/** Offset of the call region; the answer region follows it. */
	public static final int DATA = 4096;

	/** Volatile longs on the mapped file. */
	public static final VarHandle WORDS = MethodHandles.byteBufferViewVarHandle(long[].class,
			ByteOrder.nativeOrder());

	private SharedMemoryEchoPeer() {
	}

	/** Maps the whole file made for {@code payloadBytes}. */
	public static MappedByteBuffer map(Path file, int payloadBytes) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			return channel.map(FileChannel.MapMode.READ_WRITE, 0, DATA + 2L * payloadBytes);
		}
	}

	public static void main(String[] args) throws IOException {
		int size = Integer.parseInt(args[1]);
		MappedByteBuffer memory = map(Path.of(args[0]), size);
		ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
		long answered = 0;
		while (true) {
			long call;
			long spins = 0;
			while ((call = (long) WORDS.getVolatile(memory, CALL_WORD)) == answered) {
				// a harness killed with SIGKILL sends no -1: a peer spinning on would skew every later figure
				if (++spins % 10_000_000 == 0 && (parent == null || !parent.isAlive())) {
					return;
				}
				Thread.onSpinWait();
			}
			if (call < 0) {
				return;
			}
			byte[] received = new byte[size];
			memory.get(DATA, received);
			memory.put(DATA + size, received);
			WORDS.setVolatile(memory, ANSWER_WORD, call);
			answered = call;
		}
	}

}

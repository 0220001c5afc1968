package dev.mp.internal.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Ends the child when its parent ends: stdin reaching end of file (the parent's end of the pipe closed, which the
 * kernel does even on {@code kill -9}), or the parent's process handle exiting. The child's own descendants go first,
 * so nothing is left behind. Until then, stdin brings the ids of calls to cancel, 8 bytes each.
 */
final class ParentWatch {

	/** Exit code of a child whose parent went away. */
	static final int EXIT_PARENT_GONE = 73;

	/** Read when the class is initialized, as ChildRuntime's reasons to halt are. */
	private static final String PARENT_GONE = String.valueOf("parent is gone");

	private ParentWatch() {
	}

	/**
	 * Starts watching.
	 * @param lifeline stdin, past the bootstrap block
	 * @param parentPid the parent's pid
	 * @param cancels takes the id of each call the parent cancels
	 * @return the thread blocked on stdin; interrupt it to stop the watch before an orderly exit (a thread blocked in a
	 * native read holds up JVM exit by 300 ms)
	 */
	static Thread start(FileChannel lifeline, long parentPid, LongConsumer cancels) {
		Thread stdinWatch = new Thread(() -> {
			ByteBuffer buffer = ByteBuffer.allocate(64);
			try {
				while (lifeline.read(buffer) != -1) {
					buffer.flip();
					while (buffer.remaining() >= Long.BYTES) {
						cancels.accept(buffer.getLong());
					}
					buffer.compact();
				}
			}
			catch (ClosedByInterruptException ex) {
				return;
			}
			catch (IOException ex) {
				// a broken pipe is the same news as end of file
			}
			parentGone("stdin closed");
		}, "mp-parent-stdin-watch");
		stdinWatch.setDaemon(true);
		WorkerHalt.ifItFails(stdinWatch);
		stdinWatch.start();
		Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
		if (parent.isEmpty()) {
			parentGone("parent pid " + parentPid + " is not running");
		}
		// made now, not when the parent exits, as halting wants
		String exited = "parent pid " + parentPid + " exited";
		parent.get().onExit().thenRun(() -> parentGone(exited));
		return stdinWatch;
	}

	/**
	 * Ends the child's descendants, then the child.
	 * @param why what shows the parent is gone; {@code halt} puts it into words, behind its guard
	 */
	static void parentGone(String why) {
		try {
			ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
		}
		catch (Throwable ex) {
			// halting anyway: onExit's thenRun would swallow this, and the child would live on
		}
		WorkerHalt.halt(EXIT_PARENT_GONE, PARENT_GONE, why, null);
	}

}

package dev.mp.internal.parent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import dev.mp.ProcessOptions;
import dev.mp.internal.call.CallRequest;
import dev.mp.internal.codec.CodecIdentity;
import dev.mp.internal.server.WorkerServer;
import dev.mp.internal.wire.FrameType;
import dev.mp.spi.Codec;
import dev.mp.spi.LaunchAttributes;

/**
 * What a child JVM needs from the parent that started it, and no more: the server it connects to, how its answers are
 * read, the threads that watch it, and where its mailbox and its class-data training go. The template is the parent;
 * a child never sees the template itself.
 */
interface ParentRuntime {

	/** The server children prove their secret to; opened on first use. */
	WorkerServer server();

	/** The codec as it is now: its allow-list grows with the targets started. */
	Codec codec();

	/** A call for a child that has not built the fast codec yet (see {@link FrameType#CODEC_BUILT}). */
	CallRequest forColdChild(CallRequest call);

	/** Which codec that is, which the child must have too. */
	CodecIdentity codecIdentity();

	/** The largest frame accepted in either direction, in bytes. */
	int maxFrameBytes();

	/** How often workers tell their JVM's facts; zero for never. */
	Duration jvmFactsInterval();

	/** The loader answers and exceptions are read with. */
	ClassLoader classLoader();

	/** Runs start deadlines. */
	ScheduledExecutorService scheduler();

	/** Runs what follows a child's exit, off the thread that saw it. */
	Executor callbacks();

	/**
	 * The private directory of shared objects, where pool workers' mailboxes go.
	 * @throws IllegalStateException if the parent is closed
	 */
	Path sharedMemoryDirectory();

	/** Training children recording class-data archives; the parent stops those still running when it closes. */
	Set<Process> trainings();

	/** What a worker launched with these options is told besides their attributes (see {@link LaunchAttributes}). */
	Map<String, String> launchAttributes(ProcessOptions options);

	/** Whether the parent has closed: it starts nothing more, training children neither. */
	boolean isClosed();

}

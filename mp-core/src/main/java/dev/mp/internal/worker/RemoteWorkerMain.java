package dev.mp.internal.worker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

import dev.mp.internal.codec.BackgroundCodec;

/**
 * The main class of a remote worker, such as a pod: {@code RemoteWorkerMain <config file> <secret directory>}. It has
 * no parent on stdin, so it reads its bootstrap from files ({@link RemoteBootstrap}), connects to the parent over TLS
 * ({@link RemoteConnection}), and exits when the connection ends or stays silent for its disconnect grace.
 */
public final class RemoteWorkerMain {

	private RemoteWorkerMain() {
	}

	public static void main(String[] args) {
		// user code reading System.in gets nothing, as in a local worker
		System.setIn(new ByteArrayInputStream(new byte[0]));
		if (args.length != 2) {
			System.err.println("mp worker: usage: RemoteWorkerMain <config file> <secret directory>");
			System.exit(WorkerMain.EXIT_BAD_BOOTSTRAP);
			return;
		}
		RemoteBootstrap bootstrap;
		try {
			bootstrap = RemoteBootstrap.read(Path.of(args[0]), Path.of(args[1]));
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("mp worker: cannot read the bootstrap from " + args[0] + " and " + args[1] + ": " + ex);
			System.exit(WorkerMain.EXIT_BAD_BOOTSTRAP);
			return;
		}
		WorkerCodec codec = WorkerCodec.start(bootstrap.config(), Thread.currentThread().getContextClassLoader(),
				BackgroundCodec.OWN_THREAD, true);
		RemoteConnection connection = new RemoteConnection(bootstrap);
		ChildRuntime runtime = new ChildRuntime(bootstrap.config(), codec, connection::connect);
		runtime.run(connection.startWatch());
	}

}

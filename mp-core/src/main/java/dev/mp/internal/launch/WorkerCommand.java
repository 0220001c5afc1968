package dev.mp.internal.launch;

import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.mp.ProcessOptions;
import dev.mp.internal.codec.CodecChoice;
import dev.mp.internal.worker.BootstrapConfig;
import dev.mp.internal.worker.PlainBootstrap;
import dev.mp.internal.worker.WorkerMain;
import dev.mp.spi.CodecProvider;

/**
 * A local worker's command, decided once per launch: its class path (a Spring Boot fat jar's extracted application jar
 * in its place, see {@link ExtractedJars}), whether it starts through Boot's loader, and the class-data archive it
 * maps, or that a training child should record for the workers after it (see {@link ClassDataArchives}), and the
 * memory flags mp adds (see {@link MemoryFlags}).
 */
public final class WorkerCommand {

	private final ProcessOptions options;

	private final List<String> command;

	/** The archive to record for workers like this one, or {@code null} when there is none or it is usable. */
	private final @Nullable Path trainingArchive;

	private WorkerCommand(ProcessOptions options, List<String> command, @Nullable Path trainingArchive) {
		this.options = options;
		this.command = command;
		this.trainingArchive = trainingArchive;
	}

	/**
	 * Decides the command of a worker started with these options. A fat jar's first extraction (about a second) and
	 * an archive's first check run here, so the caller should hold no lock.
	 * @param codec the codec the worker uses: the JVM options it needs, and part of its archive's key
	 */
	public static WorkerCommand of(ProcessOptions options, CodecChoice codec) {
		String classPath = options.classPath();
		boolean bootFatJar = JvmCommand.isBootFatJar(JvmCommand.absolute(classPath));
		if (bootFatJar && options.extractFatJar()) {
			Optional<Path> extracted = ExtractedJars.extracted(options.javaHome(),
					Path.of(JvmCommand.absolute(classPath)), options.cacheDirectory(), options.cacheMaxSize());
			if (extracted.isPresent()) {
				// the application jar names its libraries in its manifest: a plain -cp starts it
				classPath = extracted.get().toString();
				bootFatJar = false;
			}
		}
		CodecProvider provider = codec.provider();
		List<String> jvmOptions = new ArrayList<>((provider != null)
				? provider.workerJvmOptions(JavaRelease.featureVersion(options.javaHome())) : List.of());
		List<String> own = options.childJvmOptions();
		if (options.memoryFlags()) {
			// the -Xmx first, as on the command line, where the worker's own options come later and win
			List<String> checked = new ArrayList<>();
			if (options.maxHeap() != null && !options.maxHeap().isBlank()) {
				checked.add("-Xmx" + options.maxHeap());
			}
			Map<String, String> environment = new HashMap<>(System.getenv());
			environment.putAll(options.environment());
			jvmOptions.addAll(MemoryFlags.of(options.javaHome(),
					MemoryFlags.asTheJvmReadsThem(concat(checked, concat(jvmOptions, own)), environment),
					!PlainBootstrap.MODE.equals(options.bootstrapMode())));
		}
		jvmOptions.addAll(own);
		List<String> plain = build(options, jvmOptions, classPath, bootFatJar);
		if (!options.classDataSharing() || !ClassDataArchives.applies(classPath, bootFatJar, jvmOptions)) {
			return new WorkerCommand(options, plain, null);
		}
		List<String> keyOptions = new ArrayList<>(jvmOptions);
		keyOptions.add("-Xmx" + options.maxHeap());
		Path archive = ClassDataArchives.archive(options.cacheDirectory(), options.javaHome(), keyOptions, classPath,
				options.bootstrapMode(), codec.name());
		if (!ArchiveCheck.usable(archive, options.javaHome(), plain, settings(options))) {
			return new WorkerCommand(options, plain, archive);
		}
		List<String> mapping = new ArrayList<>(jvmOptions);
		mapping.addAll(ClassDataArchives.mappingOptions(archive, options.javaHome(), options.startupFlags()));
		return new WorkerCommand(options, build(options, mapping, classPath, bootFatJar), null);
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> both = new ArrayList<>(first);
		both.addAll(second);
		return both;
	}

	private static List<String> build(ProcessOptions options, List<String> jvmOptions, String classPath,
			boolean bootFatJar) {
		return JvmCommand.build(options.javaHome(), jvmOptions, options.maxHeap(), options.systemProperties(),
				classPath, bootFatJar, WorkerMain.class.getName());
	}

	/** The full command, executable first. */
	public List<String> command() {
		return this.command;
	}

	/** Whether a training child should record a class-data archive for workers like this one. */
	public boolean trainsArchive() {
		return this.trainingArchive != null;
	}

	/**
	 * Starts a child that boots like this worker and records the classes it loads, unless one has (see
	 * {@link ArchiveTraining#trainIfMissing}); a no-op when {@link #trainsArchive()} is false.
	 * @param bootstrap the training child's bootstrap block: its own id and secret, no mailbox
	 * @param scratch where the training child's rehearsal gets its private directory
	 * @param running where the running training child is registered, so its parent can stop it
	 */
	public void trainArchive(BootstrapConfig bootstrap, Path scratch, Set<Process> running) {
		if (this.trainingArchive == null) {
			return;
		}
		ArchiveTraining.trainIfMissing(this.trainingArchive, this.options.javaHome(), this.command,
				settings(this.options),
				(stdin) -> {
					DataOutputStream out = new DataOutputStream(stdin);
					bootstrap.write(out);
					out.flush();
				}, scratch, this.options.startTimeout().plusSeconds(60), running, this.options.cacheMaxSize());
	}

	/** A worker's working directory and environment, for the JVMs that train and check its class-data archive. */
	private static ProcessBuilder settings(ProcessOptions options) {
		ProcessBuilder settings = new ProcessBuilder();
		if (options.workingDirectory() != null) {
			settings.directory(options.workingDirectory().toFile());
		}
		settings.environment().putAll(options.environment());
		return settings;
	}

}

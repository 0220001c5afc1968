package dev.mp.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.mp.ProcessOptions;
import dev.mp.ProcessTemplate;
import dev.mp.QueueFullPolicy;

/**
 * Configuration of mp's child processes.
 */
@ConfigurationProperties("mp")
public class MpProperties {

	/**
	 * Whether mp is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Where @WorkerProcess methods run: in worker JVMs, or in this JVM with their values still sent through the codec
	 * and the serialization allow-list both ways, for tests. ProcessTemplate's own pools and processes always use
	 * worker JVMs.
	 */
	private Mode mode = Mode.WORKERS;

	private final Worker worker = new Worker();

	private final Shutdown shutdown = new Shutdown();

	private final Serialization serialization = new Serialization();

	private final Protocol protocol = new Protocol();

	private final SharedMemory sharedMemory = new SharedMemory();

	private final Metrics metrics = new Metrics();

	/**
	 * Pools of warm workers by name; @WorkerProcess methods use the one they name, "default" if none.
	 */
	private final Map<String, Pool> pools = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Serialization getSerialization() {
		return this.serialization;
	}

	public Protocol getProtocol() {
		return this.protocol;
	}

	public SharedMemory getSharedMemory() {
		return this.sharedMemory;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Where {@code @WorkerProcess} methods run.
	 */
	public enum Mode {

		/**
		 * In worker JVMs: the pools' warm workers, or a fresh JVM per call.
		 */
		WORKERS,

		/**
		 * In this JVM, each call on a thread of its own, its arguments, result and exception still sent through the
		 * codec and the allow-list both ways: no worker JVM is started. For tests.
		 */
		IN_PLACE

	}

	/**
	 * CPU and memory of one pool's worker pods, as Kubernetes quantities.
	 */
	public static class Pod {

		/**
		 * CPU requested for each worker pod, such as 500m.
		 */
		private @Nullable String cpuRequest;

		/**
		 * CPU limit of each worker pod, such as 2.
		 */
		private @Nullable String cpuLimit;

		/**
		 * Memory requested for each worker pod, such as 512Mi.
		 */
		private @Nullable String memoryRequest;

		/**
		 * Memory limit of each worker pod, such as 1Gi; with one, the worker's maximum heap follows it
		 * (mp.kubernetes.heap-percentage) instead of max-heap.
		 */
		private @Nullable String memoryLimit;

		public @Nullable String getCpuRequest() {
			return this.cpuRequest;
		}

		public void setCpuRequest(@Nullable String cpuRequest) {
			this.cpuRequest = cpuRequest;
		}

		public @Nullable String getCpuLimit() {
			return this.cpuLimit;
		}

		public void setCpuLimit(@Nullable String cpuLimit) {
			this.cpuLimit = cpuLimit;
		}

		public @Nullable String getMemoryRequest() {
			return this.memoryRequest;
		}

		public void setMemoryRequest(@Nullable String memoryRequest) {
			this.memoryRequest = memoryRequest;
		}

		public @Nullable String getMemoryLimit() {
			return this.memoryLimit;
		}

		public void setMemoryLimit(@Nullable String memoryLimit) {
			this.memoryLimit = memoryLimit;
		}

	}

	/**
	 * One pool of warm workers.
	 */
	public static class Pool {

		/**
		 * Most workers alive at once; at most one call runs in each. Defaults to the number of cores.
		 */
		private @Nullable Integer size;

		/**
		 * Workers started when the application starts, in parallel, and kept ready.
		 */
		private int minIdle = 1;

		/**
		 * Calls a worker runs before it is replaced by a fresh one; 0 for no limit.
		 */
		private int maxTasksPerWorker;

		/**
		 * How long a worker beyond min-idle may sit idle before it exits. Unset: it stays.
		 */
		private @Nullable Duration idleTimeout;

		/**
		 * How long one call may run before its worker is killed and the call fails. Unset: no limit.
		 */
		private @Nullable Duration taskTimeout;

		/**
		 * After a cancelled call is interrupted, how long its worker has to answer before it is killed.
		 */
		private Duration cancelGrace = Duration.ofSeconds(5);

		/**
		 * Most calls that may wait for a busy worker, 0 for no limit; beyond it a call is rejected or waits, as
		 * queue-full-policy says.
		 */
		private int maxQueued;

		/**
		 * What a call beyond max-queued meets: "reject" throws RejectedExecutionException at once, "wait" blocks the
		 * caller until there is room.
		 */
		private QueueFullPolicy queueFullPolicy = QueueFullPolicy.REJECT;

		/**
		 * JVM options for this pool's workers, added after mp.worker.jvm-options.
		 */
		private List<String> jvmOptions = new ArrayList<>();

		/**
		 * Maximum heap of this pool's workers (the -Xmx value); overrides mp.worker.max-heap.
		 */
		private @Nullable String maxHeap;

		/**
		 * How workers start: "spring" boots the application's context (needed for @WorkerProcess beans); "plain"
		 * runs serializable tasks only and starts faster.
		 */
		private String bootstrapMode = "spring";

		/**
		 * Whether this pool's workers map a class-data archive. Unset: as mp.worker.class-data-sharing.
		 */
		private @Nullable Boolean classDataSharing;

		/**
		 * Whether mp puts its start-up JVM flags in front of this pool's JVM options. Unset: as
		 * mp.worker.startup-flags.
		 */
		private @Nullable Boolean startupFlags;

		/**
		 * Whether mp adds its memory flags to this pool's local workers. Unset: as mp.worker.memory-flags.
		 */
		private @Nullable Boolean memoryFlags;

		/**
		 * How much nicer than the application this pool's local workers run, 0 to 19. Unset: as mp.worker.nice.
		 */
		private @Nullable Integer nice;

		/**
		 * What the OOM score adjustment of this pool's local workers is raised to, 0 to 1000. Unset: as
		 * mp.worker.oom-score-adjustment.
		 */
		private @Nullable Integer oomScoreAdjustment;

		/**
		 * Workers that may fail to start within start-failure-period before the pool stops starting them and fails
		 * calls at once with the reason (its health is then DOWN).
		 */
		private int maxStartFailures = 3;

		/**
		 * The window max-start-failures counts in; once it passes without a failure, the pool starts workers again.
		 */
		private Duration startFailurePeriod = Duration.ofSeconds(30);

		/**
		 * How long a worker that has just answered, and a caller blocked on a call, look in shared memory for the next
		 * call or the answer before they sleep, so that back-to-back calls skip the socket. Costs a core for that long;
		 * 0 turns it off.
		 */
		private Duration spinWait = Duration.ofNanos(50_000);

		public Duration getSpinWait() {
			return this.spinWait;
		}

		public void setSpinWait(Duration spinWait) {
			this.spinWait = spinWait;
		}

		public int getMaxStartFailures() {
			return this.maxStartFailures;
		}

		public void setMaxStartFailures(int maxStartFailures) {
			this.maxStartFailures = maxStartFailures;
		}

		public Duration getStartFailurePeriod() {
			return this.startFailurePeriod;
		}

		public void setStartFailurePeriod(Duration startFailurePeriod) {
			this.startFailurePeriod = startFailurePeriod;
		}

		/**
		 * What starts the pool's workers: "local" (child JVMs of the application) or "kubernetes" (pods, with
		 * mp-kubernetes on the class path; see mp.kubernetes.*).
		 */
		private String launcher = "local";

		/**
		 * CPU and memory of the pool's worker pods, when its launcher is "kubernetes".
		 */
		private final Pod pod = new Pod();

		public String getLauncher() {
			return this.launcher;
		}

		public void setLauncher(String launcher) {
			this.launcher = launcher;
		}

		public Pod getPod() {
			return this.pod;
		}

		public @Nullable Integer getSize() {
			return this.size;
		}

		public void setSize(@Nullable Integer size) {
			this.size = size;
		}

		public int getMinIdle() {
			return this.minIdle;
		}

		public void setMinIdle(int minIdle) {
			this.minIdle = minIdle;
		}

		public int getMaxTasksPerWorker() {
			return this.maxTasksPerWorker;
		}

		public void setMaxTasksPerWorker(int maxTasksPerWorker) {
			this.maxTasksPerWorker = maxTasksPerWorker;
		}

		public @Nullable Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public @Nullable Duration getTaskTimeout() {
			return this.taskTimeout;
		}

		public void setTaskTimeout(@Nullable Duration taskTimeout) {
			this.taskTimeout = taskTimeout;
		}

		public Duration getCancelGrace() {
			return this.cancelGrace;
		}

		public void setCancelGrace(Duration cancelGrace) {
			this.cancelGrace = cancelGrace;
		}

		public int getMaxQueued() {
			return this.maxQueued;
		}

		public void setMaxQueued(int maxQueued) {
			this.maxQueued = maxQueued;
		}

		public QueueFullPolicy getQueueFullPolicy() {
			return this.queueFullPolicy;
		}

		public void setQueueFullPolicy(QueueFullPolicy queueFullPolicy) {
			this.queueFullPolicy = queueFullPolicy;
		}

		public List<String> getJvmOptions() {
			return this.jvmOptions;
		}

		public void setJvmOptions(List<String> jvmOptions) {
			this.jvmOptions = jvmOptions;
		}

		public @Nullable String getMaxHeap() {
			return this.maxHeap;
		}

		public void setMaxHeap(@Nullable String maxHeap) {
			this.maxHeap = maxHeap;
		}

		public String getBootstrapMode() {
			return this.bootstrapMode;
		}

		public void setBootstrapMode(String bootstrapMode) {
			this.bootstrapMode = bootstrapMode;
		}

		public @Nullable Boolean getStartupFlags() {
			return this.startupFlags;
		}

		public void setStartupFlags(@Nullable Boolean startupFlags) {
			this.startupFlags = startupFlags;
		}

		public @Nullable Boolean getMemoryFlags() {
			return this.memoryFlags;
		}

		public void setMemoryFlags(@Nullable Boolean memoryFlags) {
			this.memoryFlags = memoryFlags;
		}

		public @Nullable Boolean getClassDataSharing() {
			return this.classDataSharing;
		}

		public void setClassDataSharing(@Nullable Boolean classDataSharing) {
			this.classDataSharing = classDataSharing;
		}

		public @Nullable Integer getNice() {
			return this.nice;
		}

		public void setNice(@Nullable Integer nice) {
			this.nice = nice;
		}

		public @Nullable Integer getOomScoreAdjustment() {
			return this.oomScoreAdjustment;
		}

		public void setOomScoreAdjustment(@Nullable Integer oomScoreAdjustment) {
			this.oomScoreAdjustment = oomScoreAdjustment;
		}

	}

	/**
	 * How child JVMs are started.
	 */
	public static class Worker {

		/**
		 * Java installation that runs the children. Defaults to the parent's.
		 */
		private @Nullable Path javaHome;

		/**
		 * JVM options for every child, such as -XX:+UseSerialGC.
		 */
		private List<String> jvmOptions = new ArrayList<>();

		/**
		 * Maximum heap of each child (the -Xmx value, such as 256m). Defaults to the JVM's own default.
		 */
		private @Nullable String maxHeap;

		/**
		 * System properties set on every child (passed as -D options, so visible in the process list: no secrets).
		 */
		private Map<String, String> systemProperties = new LinkedHashMap<>();

		/**
		 * Environment variables added to the parent's for every child.
		 */
		private Map<String, String> environment = new LinkedHashMap<>();

		/**
		 * Working directory of the children. Defaults to the parent's.
		 */
		private @Nullable Path workingDirectory;

		/**
		 * How long a child may take from launch until it has connected back; it is killed after that.
		 */
		private Duration startTimeout = Duration.ofSeconds(60);

		/**
		 * Whether a Spring Boot fat jar (java -jar app.jar) is extracted once into the cache directory, so that
		 * workers start from plain jars, faster than through Boot's PropertiesLauncher. If extraction fails, they
		 * start from the fat jar.
		 */
		private boolean extractFatJar = true;

		/**
		 * Whether workers of a jar class path (such as an extracted fat jar) start faster from a class-data archive, an
		 * ahead-of-time cache on Java 25 or later, that one training child records the first time. A broken archive is
		 * logged, deleted and recorded again.
		 */
		private boolean classDataSharing = true;

		/**
		 * Whether mp puts its start-up JVM flags (-XX:-UsePerfData, so jps and jstat do not list workers; on Java 25,
		 * -XX:-AOTReplayTraining) in front of mp.worker.jvm-options, where an option of the same name wins.
		 */
		private boolean startupFlags = true;

		/**
		 * Whether mp adds its memory flags to local workers so that an idle one holds less memory
		 * (-XX:ArchiveRelocationMode=0, -XX:TrimNativeHeapInterval=5000, each where the worker's Java has it,
		 * MALLOC_ARENA_MAX=2 in its environment, and for SerialGC workers a small boot heap grown back once ready); a
		 * flag that mp.worker.jvm-options sets already (or one that sizes the heap itself), or a variable the
		 * environment has, is left out.
		 */
		private boolean memoryFlags = true;

		/**
		 * Bound of the cache directory (extracted fat jars and class-data archives); least recently used entries that
		 * no running application uses go first. Zero: no bound.
		 */
		private DataSize cacheMaxSize = DataSize.ofGigabytes(1);

		/**
		 * Where mp keeps extracted fat jars and class-data archives between runs. Defaults to $XDG_CACHE_HOME/mp,
		 * else ~/.cache/mp.
		 */
		private @Nullable Path cacheDir;

		/**
		 * How much nicer than the application local workers run (Linux, nice -n), 0 to 19, so that busy workers yield
		 * the cores to its own threads; 0 runs them at its priority.
		 */
		private int nice;

		/**
		 * What the OOM score adjustment (/proc/<pid>/oom_score_adj) of local workers is raised to, never lowered, 0 to
		 * 1000: under memory pressure the kernel then kills a worker rather than the application.
		 */
		private int oomScoreAdjustment = ProcessOptions.DEFAULT_OOM_SCORE_ADJUSTMENT;

		/**
		 * Memory the application and its local workers share: start-up warns when the warmed pools' worker heaps plus
		 * the application's own exceed it. Defaults to the container's limit (cgroup); without one, no check.
		 */
		private @Nullable DataSize memoryLimit;

		/**
		 * Which of the application's properties its spring-mode workers get.
		 */
		private final EnvironmentCopy environmentCopy = new EnvironmentCopy();

		public EnvironmentCopy getEnvironmentCopy() {
			return this.environmentCopy;
		}

		/**
		 * Which of the caller's MDC entries a call carries to its worker.
		 */
		private final Mdc mdc = new Mdc();

		/**
		 * How often each worker tells its parent what its JVM knows about itself (heap, GC, threads, classes,
		 * uptime), from a thread of its own; 0 for never.
		 */
		private Duration jvmFactsInterval = ProcessTemplate.DEFAULT_JVM_FACTS_INTERVAL;

		public Mdc getMdc() {
			return this.mdc;
		}

		public Duration getJvmFactsInterval() {
			return this.jvmFactsInterval;
		}

		public void setJvmFactsInterval(Duration jvmFactsInterval) {
			this.jvmFactsInterval = jvmFactsInterval;
		}

		/**
		 * How workers' log events reach the application.
		 */
		private final LogEvents logEvents = new LogEvents();

		public LogEvents getLogEvents() {
			return this.logEvents;
		}

		/**
		 * Which thread-local values registered with Micrometer's context-propagation library a call carries.
		 */
		private final Context context = new Context();

		public Context getContext() {
			return this.context;
		}

		public @Nullable DataSize getMemoryLimit() {
			return this.memoryLimit;
		}

		public void setMemoryLimit(@Nullable DataSize memoryLimit) {
			this.memoryLimit = memoryLimit;
		}

		public int getNice() {
			return this.nice;
		}

		public void setNice(int nice) {
			this.nice = nice;
		}

		public int getOomScoreAdjustment() {
			return this.oomScoreAdjustment;
		}

		public void setOomScoreAdjustment(int oomScoreAdjustment) {
			this.oomScoreAdjustment = oomScoreAdjustment;
		}

		public boolean isMemoryFlags() {
			return this.memoryFlags;
		}

		public void setMemoryFlags(boolean memoryFlags) {
			this.memoryFlags = memoryFlags;
		}

		public boolean isStartupFlags() {
			return this.startupFlags;
		}

		public void setStartupFlags(boolean startupFlags) {
			this.startupFlags = startupFlags;
		}

		public DataSize getCacheMaxSize() {
			return this.cacheMaxSize;
		}

		public void setCacheMaxSize(DataSize cacheMaxSize) {
			this.cacheMaxSize = cacheMaxSize;
		}

		public boolean isClassDataSharing() {
			return this.classDataSharing;
		}

		public void setClassDataSharing(boolean classDataSharing) {
			this.classDataSharing = classDataSharing;
		}

		public boolean isExtractFatJar() {
			return this.extractFatJar;
		}

		public void setExtractFatJar(boolean extractFatJar) {
			this.extractFatJar = extractFatJar;
		}

		public @Nullable Path getCacheDir() {
			return this.cacheDir;
		}

		public void setCacheDir(@Nullable Path cacheDir) {
			this.cacheDir = cacheDir;
		}

		public @Nullable Path getJavaHome() {
			return this.javaHome;
		}

		public void setJavaHome(@Nullable Path javaHome) {
			this.javaHome = javaHome;
		}

		public List<String> getJvmOptions() {
			return this.jvmOptions;
		}

		public void setJvmOptions(List<String> jvmOptions) {
			this.jvmOptions = jvmOptions;
		}

		public @Nullable String getMaxHeap() {
			return this.maxHeap;
		}

		public void setMaxHeap(@Nullable String maxHeap) {
			this.maxHeap = maxHeap;
		}

		public Map<String, String> getSystemProperties() {
			return this.systemProperties;
		}

		public void setSystemProperties(Map<String, String> systemProperties) {
			this.systemProperties = systemProperties;
		}

		public Map<String, String> getEnvironment() {
			return this.environment;
		}

		public void setEnvironment(Map<String, String> environment) {
			this.environment = environment;
		}

		public @Nullable Path getWorkingDirectory() {
			return this.workingDirectory;
		}

		public void setWorkingDirectory(@Nullable Path workingDirectory) {
			this.workingDirectory = workingDirectory;
		}

		public Duration getStartTimeout() {
			return this.startTimeout;
		}

		public void setStartTimeout(Duration startTimeout) {
			this.startTimeout = startTimeout;
		}

	}

	/**
	 * The caller's MDC in the worker: taken as a call is made, set on the worker's call thread for the length of the
	 * call, with mp's own mp.worker and mp.pid keys over it.
	 */
	public static class Mdc {

		/**
		 * Whether each call carries its caller's MDC to the worker, outside the codec.
		 */
		private boolean enabled = true;

		/**
		 * The MDC keys a call carries, such as requestId. Empty: all of them.
		 */
		private List<String> keys = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getKeys() {
			return this.keys;
		}

		public void setKeys(List<String> keys) {
			this.keys = keys;
		}

	}

	/**
	 * Workers' log events in the application's logs.
	 */
	public static class LogEvents {

		/**
		 * Whether workers whose logging is Logback send their log events to the application, which emits them through
		 * its own logging (its format and levels), instead of printing them as lines of text.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Thread-local values the application registers with Micrometer's context-propagation library (ContextRegistry's
	 * ThreadLocalAccessors): taken as a call is made, set on the worker's call thread for the length of the call and
	 * put back after.
	 */
	public static class Context {

		/**
		 * The keys of the context-propagation ThreadLocalAccessors whose values a call carries to its worker, when
		 * they are serializable (JDK serialization); none by default. Traces cross without them.
		 */
		private List<String> keys = new ArrayList<>();

		public List<String> getKeys() {
			return this.keys;
		}

		public void setKeys(List<String> keys) {
			this.keys = keys;
		}

	}

	/**
	 * The application's properties in its spring-mode workers: resolved as each worker starts, they win there over
	 * the worker's own sources.
	 */
	public static class EnvironmentCopy {

		/**
		 * Whether spring-mode workers get the resolved value of every property the application has, as of their start,
		 * over their own application.properties. Off: they have only their own sources and the active profiles.
		 */
		private boolean enabled = true;

		/**
		 * Property names not copied to workers, exact or with * (such as app.cache.*), besides those never copied: the
		 * JVM's own, environment variables, mp.* and what mp.worker.system-properties and mp.worker.environment set.
		 */
		private List<String> exclude = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getExclude() {
			return this.exclude;
		}

		public void setExclude(List<String> exclude) {
			this.exclude = exclude;
		}

	}

	/**
	 * What happens to children when the application context closes.
	 */
	public static class Shutdown {

		/**
		 * How long non-daemon children may run on after the context starts closing, before they are terminated
		 * (SIGTERM) and, 5 seconds later, killed. Daemon children are terminated at once.
		 */
		private Duration gracePeriod = Duration.ofSeconds(30);

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

	}

	/**
	 * What may cross process boundaries.
	 */
	public static class Serialization {

		/**
		 * Classes allowed in arguments, results and exceptions besides JDK value types, mp's own and the
		 * application's packages. Patterns: com.acme.Type, com.acme.* (a package), com.acme.** (with sub-packages),
		 * com.acme.Prefix*.
		 */
		private List<String> allowedClasses = new ArrayList<>();

		/**
		 * The codec values cross processes with, both ways: fory (the default when mp-codec-fory is on the class path,
		 * as the starter brings it) or java (JDK serialization). Workers need the same codec to start.
		 */
		private @Nullable String codec;

		public List<String> getAllowedClasses() {
			return this.allowedClasses;
		}

		public void setAllowedClasses(List<String> allowedClasses) {
			this.allowedClasses = allowedClasses;
		}

		public @Nullable String getCodec() {
			return this.codec;
		}

		public void setCodec(@Nullable String codec) {
			this.codec = codec;
		}

	}

	/**
	 * The wire protocol between parent and children.
	 */
	public static class Protocol {

		/**
		 * Largest frame (the arguments of one call, or one result) accepted in either direction.
		 */
		private DataSize maxFrameSize = DataSize.ofMegabytes(64);

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

	}

	/**
	 * Shared objects: locks, queues and values made by the ProcessTemplate.
	 */
	public static class SharedMemory {

		/**
		 * Where the private directory of shared locks, queues and values is made. Default: /dev/shm when the system has
		 * it, else java.io.tmpdir.
		 */
		private @Nullable Path directory;

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

	}

	/**
	 * mp's Micrometer meters.
	 */
	public static class Metrics {

		/**
		 * Whether the meters of workers' JVM facts also have one series per worker (tags pool and worker), besides
		 * each pool's sums. Off by default: every worker a pool starts would add series.
		 */
		private boolean perWorker;

		public boolean isPerWorker() {
			return this.perWorker;
		}

		public void setPerWorker(boolean perWorker) {
			this.perWorker = perWorker;
		}

	}

}

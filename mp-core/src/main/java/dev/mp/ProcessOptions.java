package dev.mp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.mp.internal.launch.CacheDirectory;
import dev.mp.internal.launch.ExtractedJars;
import dev.mp.internal.worker.PlainBootstrap;

/**
 * How a child JVM is started: which {@code java}, JVM options, heap, system properties, class path, working directory,
 * environment, bootstrap mode, and how long it may take to become ready. Immutable; derive variants with
 * {@link #toBuilder()}. By default the child runs the parent's {@code java} and class path.
 */
public final class ProcessOptions {

	/**
	 * The flags mp puts in front of a child's JVM options unless {@link #startupFlags()} is off; each is safe for long
	 * tasks. {@code -XX:-UsePerfData} leaves no statistics file per worker in {@code /tmp}, at the price of {@code jps}
	 * and {@code jstat} not listing workers ({@code jcmd <pid>} still does). Why these and no others:
	 * {@code docs/worker-start.md}.
	 */
	public static final List<String> STARTUP_FLAGS = List.of("-XX:-UsePerfData");

	private static final ProcessOptions DEFAULTS = builder().build();

	private final Path javaHome;

	private final List<String> jvmOptions;

	private final @Nullable String maxHeap;

	private final Map<String, String> systemProperties;

	private final String classPath;

	private final @Nullable Path workingDirectory;

	private final Map<String, String> environment;

	private final String bootstrapMode;

	private final Map<String, String> bootstrapAttributes;

	private final Duration startTimeout;

	private final boolean extractFatJar;

	private final Path cacheDirectory;

	private final boolean classDataSharing;

	private final long cacheMaxSize;

	private final boolean startupFlags;

	private final boolean memoryFlags;

	private final int niceness;

	private final int oomScoreAdjustment;

	private ProcessOptions(Builder builder) {
		if (builder.niceness < 0 || builder.niceness > 19) {
			throw new IllegalArgumentException("niceness must be between 0 (off) and 19 (lowering a child's priority "
					+ "needs no privilege, raising it does), not " + builder.niceness);
		}
		if (builder.oomScoreAdjustment < 0 || builder.oomScoreAdjustment > 1000) {
			throw new IllegalArgumentException("oomScoreAdjustment must be between 0 and 1000 (lowering it needs "
					+ "privilege), not " + builder.oomScoreAdjustment);
		}
		this.javaHome = builder.javaHome;
		this.jvmOptions = List.copyOf(builder.jvmOptions);
		this.maxHeap = builder.maxHeap;
		this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.systemProperties));
		this.classPath = builder.classPath;
		this.workingDirectory = builder.workingDirectory;
		this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
		this.bootstrapMode = builder.bootstrapMode;
		this.bootstrapAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.bootstrapAttributes));
		this.startTimeout = builder.startTimeout;
		this.extractFatJar = builder.extractFatJar;
		this.cacheDirectory = builder.cacheDirectory;
		this.classDataSharing = builder.classDataSharing;
		this.cacheMaxSize = builder.cacheMaxSize;
		this.startupFlags = builder.startupFlags;
		this.memoryFlags = builder.memoryFlags;
		this.niceness = builder.niceness;
		this.oomScoreAdjustment = builder.oomScoreAdjustment;
	}

	/** The parent's {@code java}, class path, no extra options, plain bootstrap, 60 seconds to start. */
	public static ProcessOptions defaults() {
		return DEFAULTS;
	}

	public static Builder builder() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	/** The Java installation whose {@code bin/java} starts the child. */
	public Path javaHome() {
		return this.javaHome;
	}

	/** Options placed before the main class, such as {@code -XX:+UseSerialGC}. */
	public List<String> jvmOptions() {
		return this.jvmOptions;
	}

	/** The {@code -Xmx} value ({@code 256m}, {@code 2g}), or {@code null} for the JVM's default. */
	public @Nullable String maxHeap() {
		return this.maxHeap;
	}

	public Map<String, String> systemProperties() {
		return this.systemProperties;
	}

	public String classPath() {
		return this.classPath;
	}

	/** The child's working directory, or {@code null} for the parent's. */
	public @Nullable Path workingDirectory() {
		return this.workingDirectory;
	}

	/** Variables added to the parent's environment for the child. */
	public Map<String, String> environment() {
		return this.environment;
	}

	/** {@code plain} (tasks only) or {@code spring} (the application's context, for bean methods). */
	public String bootstrapMode() {
		return this.bootstrapMode;
	}

	/** Mode-specific settings sent to the child's bootstrap. */
	public Map<String, String> bootstrapAttributes() {
		return this.bootstrapAttributes;
	}

	/** How long the child may take from launch to a completed handshake. */
	public Duration startTimeout() {
		return this.startTimeout;
	}

	/**
	 * Whether a Spring Boot fat jar class path is extracted once into the {@link #cacheDirectory()} so that children
	 * start from plain jars (faster) instead of through Boot's {@code PropertiesLauncher}. On by default.
	 */
	public boolean extractFatJar() {
		return this.extractFatJar;
	}

	/**
	 * Where mp keeps what it derives once and reuses across starts (extracted fat jars). Defaults to the
	 * {@value #CACHE_DIRECTORY_PROPERTY} system property, else {@code $XDG_CACHE_HOME/mp}, else {@code ~/.cache/mp}.
	 */
	public Path cacheDirectory() {
		return this.cacheDirectory;
	}

	/**
	 * Whether children whose class path is made of jar files (such as an extracted fat jar) map a class-data archive
	 * recorded once by a training child in the {@link #cacheDirectory()}, which makes them start faster. On by
	 * default; it never applies to a directory class path or with Boot's {@code PropertiesLauncher}.
	 */
	public boolean classDataSharing() {
		return this.classDataSharing;
	}

	/**
	 * The bound, in bytes, of what the {@link #cacheDirectory()} holds (extracted fat jars and class-data archives):
	 * after adding an entry, mp deletes the least recently used entries that no running parent uses until the rest
	 * fit. 1 GiB by default; zero or less means no bound.
	 */
	public long cacheMaxSize() {
		return this.cacheMaxSize;
	}

	/**
	 * Whether mp adds its start-up flags ({@link #STARTUP_FLAGS}, and a Java 25 child's switch off of its cache's
	 * training replay) in front of the {@link #jvmOptions()}. On by default. The JVM options come after them, so an
	 * option of the same name there wins.
	 */
	public boolean startupFlags() {
		return this.startupFlags;
	}

	/**
	 * Whether mp adds its memory flags to a local child's JVM options, so that an idle worker holds less memory:
	 * class-data archives mapped where they were written so that workers share them
	 * ({@code -XX:ArchiveRelocationMode=0}, Java 17 to 25), and the C heap's free memory given back every five seconds
	 * ({@code -XX:TrimNativeHeapInterval=5000}, where the Java has it), two malloc arenas ({@code MALLOC_ARENA_MAX=2}
	 * in its environment), and for a SerialGC worker on Java 17 to 25 a small boot heap ({@code -Xms8m}, or a 3 MiB
	 * young generation in a 24 MiB heap where it boots a context) that it grows to the JVM's default size once ready.
	 * On by default; a flag the JVM options set already (or one that sizes the heap itself), or a variable the
	 * environment has, is left out. Figures: {@code docs/memory.md}.
	 */
	public boolean memoryFlags() {
		return this.memoryFlags;
	}

	/**
	 * How much nicer than this JVM a local child runs (Linux, through the {@code nice} command, as Python's
	 * {@code os.nice}), from 0 (the default: at this JVM's priority) to 19, so that a busy child yields the cores to
	 * this JVM's own threads. Every thread and process of the child inherits it; other launchers ignore it.
	 */
	public int niceness() {
		return this.niceness;
	}

	/**
	 * What a local child's {@code /proc/<pid>/oom_score_adj} is raised to (Linux), from 0 to 1000, so that under memory
	 * pressure the kernel kills a child rather than this JVM. 1000 by default; only raised, never lowered (which needs
	 * privilege), and inherited by the processes the child starts. Other launchers ignore it.
	 */
	public int oomScoreAdjustment() {
		return this.oomScoreAdjustment;
	}

	/** The start-up flags mp adds for these options: {@link #STARTUP_FLAGS}, or none. */
	public List<String> startupFlagList() {
		return this.startupFlags ? STARTUP_FLAGS : List.of();
	}

	/** What the child's command gets before its main class: {@link #startupFlagList()}, then the JVM options. */
	public List<String> childJvmOptions() {
		List<String> flags = startupFlagList();
		if (flags.isEmpty()) {
			return this.jvmOptions;
		}
		List<String> options = new ArrayList<>(flags);
		options.addAll(this.jvmOptions);
		return List.copyOf(options);
	}

	/** The default {@link #oomScoreAdjustment()}: the kernel's highest, children first. */
	public static final int DEFAULT_OOM_SCORE_ADJUSTMENT = 1000;

	/** The system property that sets the default {@link #cacheDirectory()}. */
	public static final String CACHE_DIRECTORY_PROPERTY = "mp.worker.cache-dir";

	/** Builds {@link ProcessOptions}; every setter replaces the value it names. */
	public static final class Builder {

		private Path javaHome = Path.of(System.getProperty("java.home"));

		private List<String> jvmOptions = new ArrayList<>();

		private @Nullable String maxHeap;

		private Map<String, String> systemProperties = new LinkedHashMap<>();

		private String classPath = System.getProperty("java.class.path");

		private @Nullable Path workingDirectory;

		private Map<String, String> environment = new LinkedHashMap<>();

		private String bootstrapMode = PlainBootstrap.MODE;

		private Map<String, String> bootstrapAttributes = new LinkedHashMap<>();

		private Duration startTimeout = Duration.ofSeconds(60);

		private boolean extractFatJar = true;

		private Path cacheDirectory = defaultCacheDirectory();

		private boolean classDataSharing = true;

		private long cacheMaxSize = CacheDirectory.DEFAULT_MAX_BYTES;

		private boolean startupFlags = true;

		private boolean memoryFlags = true;

		private int niceness;

		private int oomScoreAdjustment = DEFAULT_OOM_SCORE_ADJUSTMENT;

		private Builder() {
		}

		private Builder(ProcessOptions options) {
			this.javaHome = options.javaHome;
			this.jvmOptions = new ArrayList<>(options.jvmOptions);
			this.maxHeap = options.maxHeap;
			this.systemProperties = new LinkedHashMap<>(options.systemProperties);
			this.classPath = options.classPath;
			this.workingDirectory = options.workingDirectory;
			this.environment = new LinkedHashMap<>(options.environment);
			this.bootstrapMode = options.bootstrapMode;
			this.bootstrapAttributes = new LinkedHashMap<>(options.bootstrapAttributes);
			this.startTimeout = options.startTimeout;
			this.extractFatJar = options.extractFatJar;
			this.cacheDirectory = options.cacheDirectory;
			this.classDataSharing = options.classDataSharing;
			this.cacheMaxSize = options.cacheMaxSize;
			this.startupFlags = options.startupFlags;
			this.memoryFlags = options.memoryFlags;
			this.niceness = options.niceness;
			this.oomScoreAdjustment = options.oomScoreAdjustment;
		}

		private static Path defaultCacheDirectory() {
			String configured = System.getProperty(CACHE_DIRECTORY_PROPERTY);
			return (configured != null && !configured.isBlank()) ? Path.of(configured)
					: ExtractedJars.defaultCacheDirectory();
		}

		public Builder javaHome(Path javaHome) {
			this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
			return this;
		}

		public Builder jvmOptions(List<String> jvmOptions) {
			this.jvmOptions = new ArrayList<>(jvmOptions);
			return this;
		}

		public Builder jvmOptions(String... jvmOptions) {
			return jvmOptions(List.of(jvmOptions));
		}

		/** Adds options after the ones already set. */
		public Builder addJvmOptions(List<String> jvmOptions) {
			this.jvmOptions.addAll(jvmOptions);
			return this;
		}

		public Builder maxHeap(@Nullable String maxHeap) {
			this.maxHeap = maxHeap;
			return this;
		}

		public Builder systemProperties(Map<String, String> systemProperties) {
			this.systemProperties = new LinkedHashMap<>(systemProperties);
			return this;
		}

		public Builder systemProperty(String key, String value) {
			this.systemProperties.put(key, value);
			return this;
		}

		public Builder classPath(String classPath) {
			this.classPath = Objects.requireNonNull(classPath, "classPath");
			return this;
		}

		public Builder workingDirectory(@Nullable Path workingDirectory) {
			this.workingDirectory = workingDirectory;
			return this;
		}

		public Builder environment(Map<String, String> environment) {
			this.environment = new LinkedHashMap<>(environment);
			return this;
		}

		public Builder bootstrapMode(String bootstrapMode) {
			this.bootstrapMode = Objects.requireNonNull(bootstrapMode, "bootstrapMode");
			return this;
		}

		public Builder bootstrapAttributes(Map<String, String> bootstrapAttributes) {
			this.bootstrapAttributes = new LinkedHashMap<>(bootstrapAttributes);
			return this;
		}

		public Builder startTimeout(Duration startTimeout) {
			this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
			return this;
		}

		/** Whether a Spring Boot fat jar class path is extracted once for faster child starts (default true). */
		public Builder extractFatJar(boolean extractFatJar) {
			this.extractFatJar = extractFatJar;
			return this;
		}

		/** Whether children of a jar class path map a class-data archive recorded once (default true). */
		public Builder classDataSharing(boolean classDataSharing) {
			this.classDataSharing = classDataSharing;
			return this;
		}

		public Builder cacheDirectory(Path cacheDirectory) {
			this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
			return this;
		}

		/** The bound of the cache directory in bytes (default 1 GiB; zero or less: none). */
		public Builder cacheMaxSize(long cacheMaxSize) {
			this.cacheMaxSize = cacheMaxSize;
			return this;
		}

		/** Whether mp adds its start-up flags in front of the JVM options (default true). */
		public Builder startupFlags(boolean startupFlags) {
			this.startupFlags = startupFlags;
			return this;
		}

		/** Whether mp adds its memory flags to local children's JVM options (default true). */
		public Builder memoryFlags(boolean memoryFlags) {
			this.memoryFlags = memoryFlags;
			return this;
		}

		/** How much nicer than this JVM local children run, 1 to 19; 0 (the default) for not at all. */
		public Builder niceness(int niceness) {
			this.niceness = niceness;
			return this;
		}

		/** What local children's OOM score adjustment is raised to, 0 to 1000 (default 1000). */
		public Builder oomScoreAdjustment(int oomScoreAdjustment) {
			this.oomScoreAdjustment = oomScoreAdjustment;
			return this;
		}

		public ProcessOptions build() {
			return new ProcessOptions(this);
		}

	}

}

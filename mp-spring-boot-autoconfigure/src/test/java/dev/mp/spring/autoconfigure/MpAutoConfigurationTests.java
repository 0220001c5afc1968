package dev.mp.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.mp.ProcessTemplate;
import dev.mp.QueueFullPolicy;
import dev.mp.spi.BeanCall;
import dev.mp.spring.WorkerProcess;
import dev.mp.spring.actuate.ProcessesEndpoint;
import dev.mp.spring.actuate.ProcessesEndpointWebExtension;
import dev.mp.spring.proxy.WorkerProcessBeanPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;

class MpAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MpAutoConfiguration.class, ProcessesEndpointAutoConfiguration.class));

	@Test
	void registersTheTemplateAndTheAnnotationProcessing() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ProcessTemplate.class);
			assertThat(context).hasSingleBean(WorkerProcessBeanPostProcessor.class);
			assertThat(context).doesNotHaveBean(ProcessesEndpoint.class);
		});
	}

	@Test
	void propertiesReachTheTemplate() {
		this.runner
			.withPropertyValues("mp.worker.max-heap=128m", "mp.worker.jvm-options=-XX:+UseSerialGC,-Dx=y",
					"mp.worker.start-timeout=5s", "mp.serialization.allowed-classes=com.acme.**",
					"mp.worker.extract-fat-jar=false", "mp.worker.class-data-sharing=false",
					"mp.worker.cache-dir=/tmp/mp-cache-of-this-test", "mp.worker.cache-max-size=200MB",
					"mp.worker.startup-flags=false", "mp.worker.memory-flags=false")
			.run((context) -> {
				ProcessTemplate template = context.getBean(ProcessTemplate.class);
				assertThat(template.defaults().extractFatJar()).isFalse();
				assertThat(template.defaults().classDataSharing()).isFalse();
				assertThat(template.defaults().cacheDirectory()).isEqualTo(Path.of("/tmp/mp-cache-of-this-test"));
				assertThat(template.defaults().cacheMaxSize()).isEqualTo(200L << 20);
				assertThat(template.defaults().startupFlags()).isFalse();
				assertThat(template.defaults().memoryFlags()).isFalse();
				assertThat(template.defaults().childJvmOptions()).containsExactly("-XX:+UseSerialGC", "-Dx=y");
				assertThat(template.defaults().maxHeap()).isEqualTo("128m");
				assertThat(template.defaults().jvmOptions()).containsExactly("-XX:+UseSerialGC", "-Dx=y");
				assertThat(template.defaults().startTimeout()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void theJvmFactsIntervalIsAPropertyWithADefault() {
		this.runner.run((context) -> assertThat(context.getBean(ProcessTemplate.class).jvmFactsInterval())
			.isEqualTo(ProcessTemplate.DEFAULT_JVM_FACTS_INTERVAL));
		this.runner.withPropertyValues("mp.worker.jvm-facts-interval=2s")
			.run((context) -> assertThat(context.getBean(ProcessTemplate.class).jvmFactsInterval())
				.isEqualTo(java.time.Duration.ofSeconds(2)));
	}

	@Test
	void theCodecIsTheFastOneTheStarterBringsUnlessThePropertyNamesAnother() {
		this.runner.run((context) -> assertThat(context.getBean(ProcessTemplate.class).codecName()).isEqualTo("fory"));
		this.runner.withPropertyValues("mp.serialization.codec=java")
			.run((context) -> assertThat(context.getBean(ProcessTemplate.class).codecName()).isEqualTo("java"));
	}

	@Test
	void sharedObjectsLiveInTheConfiguredDirectory(@TempDir Path directory) {
		this.runner.withPropertyValues("mp.shared-memory.directory=" + directory).run((context) -> {
			context.getBean(ProcessTemplate.class).lock();
			try (Stream<Path> made = Files.list(directory)) {
				assertThat(made).singleElement()
					.satisfies((dir) -> assertThat(dir.getFileName().toString()).startsWith("mp-shm-"));
			}
		});
		assertThat(directory).isEmptyDirectory();
	}

	@Test
	void poolPropertiesReachTheirPools() {
		this.runner
			.withPropertyValues("mp.worker.max-heap=128m", "mp.pools.reports.size=3", "mp.pools.reports.min-idle=2",
					"mp.pools.reports.max-tasks-per-worker=50", "mp.pools.reports.task-timeout=30s",
					"mp.pools.reports.jvm-options=-XX:+UseSerialGC", "mp.pools.reports.max-heap=1g",
					"mp.pools.reports.bootstrap-mode=plain", "mp.pools.reports.class-data-sharing=false",
					"mp.pools.reports.spin-wait=0", "mp.pools.reports.startup-flags=false",
					"mp.pools.reports.memory-flags=false")
			.run((context) -> {
				ProcessTemplate template = context.getBean(ProcessTemplate.class);
				dev.mp.PoolOptions reports = template.poolOptions("reports");
				assertThat(reports.size()).isEqualTo(3);
				assertThat(reports.minIdle()).isEqualTo(2);
				assertThat(reports.maxTasksPerWorker()).isEqualTo(50);
				assertThat(reports.taskTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(reports.processOptions().jvmOptions()).containsExactly("-XX:+UseSerialGC");
				assertThat(reports.processOptions().maxHeap()).isEqualTo("1g");
				assertThat(reports.processOptions().bootstrapMode()).isEqualTo("plain");
				assertThat(reports.processOptions().classDataSharing()).isFalse();
				assertThat(reports.spinWait()).isZero();
				assertThat(reports.processOptions().startupFlags()).isFalse();
				assertThat(reports.processOptions().memoryFlags()).isFalse();
				assertThat(reports.processOptions().childJvmOptions()).containsExactly("-XX:+UseSerialGC");
				dev.mp.PoolOptions unnamed = template.poolOptions("anything-else");
				assertThat(unnamed.processOptions().bootstrapMode()).isEqualTo("spring");
				assertThat(unnamed.processOptions().maxHeap()).isEqualTo("128m");
				assertThat(unnamed.processOptions().classDataSharing()).isTrue();
				assertThat(unnamed.processOptions().extractFatJar()).isTrue();
				assertThat(unnamed.spinWait()).isEqualTo(Duration.ofNanos(50_000));
				assertThat(unnamed.processOptions().startupFlags()).isTrue();
				assertThat(unnamed.processOptions().memoryFlags()).isTrue();
				assertThat(unnamed.processOptions().childJvmOptions()).containsExactly("-XX:-UsePerfData");
				assertThat(unnamed.processOptions().cacheMaxSize()).isEqualTo(1L << 30);
			});
	}

	@Test
	void queueBoundPropertiesReachTheirPool() {
		this.runner
			.withPropertyValues("mp.pools.orders.min-idle=0", "mp.pools.orders.max-queued=100",
					"mp.pools.orders.queue-full-policy=wait")
			.run((context) -> {
				ProcessTemplate template = context.getBean(ProcessTemplate.class);
				dev.mp.PoolOptions orders = template.poolOptions("orders");
				assertThat(orders.maxQueued()).isEqualTo(100);
				assertThat(orders.queueFullPolicy()).isEqualTo(QueueFullPolicy.WAIT);
				dev.mp.PoolOptions other = template.poolOptions("other");
				assertThat(other.maxQueued()).isZero();
				assertThat(other.queueFullPolicy()).isEqualTo(QueueFullPolicy.REJECT);
			});
	}

	@Test
	void workerPriorityPropertiesReachTheDefaultsAndAPoolsOwnWin() {
		this.runner
			.withPropertyValues("mp.worker.nice=5", "mp.worker.oom-score-adjustment=800", "mp.pools.batch.min-idle=0",
					"mp.pools.batch.nice=19", "mp.pools.batch.oom-score-adjustment=1000")
			.run((context) -> {
				ProcessTemplate template = context.getBean(ProcessTemplate.class);
				assertThat(template.defaults().niceness()).isEqualTo(5);
				assertThat(template.defaults().oomScoreAdjustment()).isEqualTo(800);
				dev.mp.ProcessOptions batch = template.poolOptions("batch").processOptions();
				assertThat(batch.niceness()).isEqualTo(19);
				assertThat(batch.oomScoreAdjustment()).isEqualTo(1000);
				dev.mp.ProcessOptions other = template.poolOptions("other").processOptions();
				assertThat(other.niceness()).isEqualTo(5);
				assertThat(other.oomScoreAdjustment()).isEqualTo(800);
			});
		this.runner.run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			assertThat(template.defaults().niceness()).isZero();
			assertThat(template.defaults().oomScoreAdjustment()).isEqualTo(1000);
		});
	}

	@Test
	void anOutOfRangeNicenessFailsStartUpNamingTheRange() {
		this.runner.withPropertyValues("mp.worker.nice=20").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("between 0 (off) and 19");
		});
	}

	@Test
	void backsOffWhenTheUserDefinesATemplate() {
		this.runner.withUserConfiguration(UserTemplate.class).run((context) -> {
			assertThat(context).hasSingleBean(ProcessTemplate.class);
			assertThat(context.getBean(ProcessTemplate.class)).isSameAs(context.getBean(UserTemplate.class).template);
		});
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("mp.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ProcessTemplate.class);
			assertThat(context).doesNotHaveBean(WorkerProcessBeanPostProcessor.class);
		});
	}

	@Test
	void insideAWorkerMethodsAreNotProxied() {
		this.runner.withPropertyValues("mp.child=true").withUserConfiguration(ValidWorker.class).run((context) -> {
			assertThat(context).doesNotHaveBean(WorkerProcessBeanPostProcessor.class);
			assertThat(context.getBean(Worker.class).getClass()).isEqualTo(Worker.class);
		});
	}

	@Test
	void annotatedBeansAreProxied() {
		this.runner.withUserConfiguration(ValidWorker.class)
			.run((context) -> assertThat(context.getBean(Worker.class).getClass()).isNotEqualTo(Worker.class));
	}

	@Test
	void byDefaultWorkerMethodsRunInWorkersAndPoolsAreWarmed() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(PoolWarmer.class));
		this.runner.withPropertyValues("mp.mode=workers")
			.run((context) -> assertThat(context).hasSingleBean(PoolWarmer.class));
	}

	@Test
	void inPlaceWorkerMethodsRunInThisJvmAndNoPoolIsWarmed() {
		this.runner.withPropertyValues("mp.mode=in-place").withUserConfiguration(ValidWorker.class).run((context) -> {
			assertThat(context).doesNotHaveBean(PoolWarmer.class);
			Worker worker = context.getBean(Worker.class);
			assertThat(worker.getClass()).isNotEqualTo(Worker.class);
			assertThat(worker.work()).isEqualTo("done");
			assertThat(context.getBean(ProcessTemplate.class).pools()).isEmpty();
			assertThat(context.getBean(ProcessTemplate.class).children()).isEmpty();
		});
	}

	@Test
	void answersAreReadWithTheClassLoaderOfTheApplicationsClasses() throws Exception {
		// as DevTools' restart class loader, it has classes of its own, and the thread building the template has
		// another loader (withClassLoader would make it the thread's too)
		ClassLoader application = new OwnCopyClassLoader(Reply.class, getClass().getClassLoader());
		BeanCall call = new BeanCall(null, Replier.class, Replier.class.getMethod("reply", String.class),
				new Object[] { "hello" });
		new ApplicationContextRunner(() -> {
			AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
			context.setClassLoader(application);
			return context;
		}).withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class))
			.withPropertyValues("mp.mode=in-place")
			.run((context) -> {
				Object reply = context.getBean(ProcessTemplate.class).invokeInPlace(call, new Replier(), null).join();
				assertThat(reply.getClass().getName()).isEqualTo(Reply.class.getName());
				assertThat(reply.getClass().getClassLoader()).isSameAs(application);
			});
	}

	@Test
	void anUnknownModeFailsStartUp() {
		this.runner.withPropertyValues("mp.mode=elsewhere").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("mp.mode");
		});
	}

	@Test
	void theEndpointAndItsWebExtensionAreRegisteredWhenExposedOverHttp() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=processes")
			.run((context) -> assertThat(context).hasSingleBean(ProcessesEndpoint.class)
				.hasSingleBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void theWebExtensionBacksOffWhenTheEndpointIsExposedOnlyOverJmx() {
		this.runner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=processes",
					"management.endpoints.web.exposure.exclude=*")
			.run((context) -> assertThat(context).hasSingleBean(ProcessesEndpoint.class)
				.doesNotHaveBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void aMethodThatCannotRunInAWorkerFailsStartUpNamingIt() {
		this.runner.withUserConfiguration(InvalidWorker.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("BadWorker.maybe returns java.util.Optional")
				.hasMessageContaining("BadWorker.locked must be public and not final")
				.hasMessageContaining("BadWorker.stream returns java.util.stream.Stream")
				.hasMessageContaining("BadWorker.freshFlux returns a Flux, whose elements stream from a pool's worker")
				.hasMessageContaining("BadWorker.publisher returns org.reactivestreams.Publisher");
		});
	}

	@Test
	void aWorkerMethodSendingAFinalClassOutsideTheAllowListFailsStartUpNamingTheProperty() {
		this.runner.withUserConfiguration(RefusedWorker.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.isInstanceOf(org.springframework.beans.factory.BeanInitializationException.class)
				.hasMessageContaining("PatternWorker.matches sends or returns java.util.regex.Pattern")
				.hasMessageContaining("add java.util.regex.** to mp.serialization.allowed-classes");
		});
		this.runner.withUserConfiguration(RefusedWorker.class)
			.withPropertyValues("mp.serialization.allowed-classes=java.util.regex.Pattern")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	public record Reply(String text) implements Serializable {
	}

	public static class Replier {

		public Reply reply(String text) {
			return new Reply(text);
		}

	}

	/** Defines its own copy of one class, as a restart class loader does of the application's classes. */
	static final class OwnCopyClassLoader extends ClassLoader {

		private final String name;

		private final byte[] bytes;

		OwnCopyClassLoader(Class<?> type, ClassLoader parent) throws IOException {
			super(parent);
			this.name = type.getName();
			try (InputStream in = parent.getResourceAsStream(this.name.replace('.', '/') + ".class")) {
				this.bytes = in.readAllBytes();
			}
		}

		@Override
		protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
			if (!className.equals(this.name)) {
				return super.loadClass(className, resolve);
			}
			synchronized (getClassLoadingLock(className)) {
				Class<?> loaded = findLoadedClass(className);
				return (loaded != null) ? loaded : defineClass(className, this.bytes, 0, this.bytes.length);
			}
		}

	}

	public static class PatternWorker {

		@WorkerProcess
		public boolean matches(java.util.regex.Pattern pattern, String text) {
			return pattern.matcher(text).matches();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RefusedWorker {

		@Bean
		PatternWorker patternWorker() {
			return new PatternWorker();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplate {

		final ProcessTemplate template = new ProcessTemplate();

		@Bean
		ProcessTemplate myTemplate() {
			return this.template;
		}

	}

	public static class Worker {

		@WorkerProcess
		public String work() {
			return "done";
		}

		@WorkerProcess
		public Mono<String> later() {
			return Mono.just("done");
		}

		@WorkerProcess
		public Flux<String> streamed() {
			return Flux.just("done");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ValidWorker {

		@Bean
		Worker worker() {
			return new Worker();
		}

	}

	public static class BadWorker {

		@WorkerProcess
		public Optional<String> maybe() {
			return Optional.empty();
		}

		@WorkerProcess
		public final String locked() {
			return "";
		}

		@WorkerProcess
		public java.util.stream.Stream<String> stream() {
			return java.util.stream.Stream.empty();
		}

		@WorkerProcess(fresh = true)
		public Flux<String> freshFlux() {
			return Flux.empty();
		}

		@WorkerProcess
		public Publisher<String> publisher() {
			return Flux.empty();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InvalidWorker {

		@Bean
		BadWorker badWorker() {
			return new BadWorker();
		}

	}

}

package dev.mp.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warning when the pools' workers may need more heap than the memory they share with the application.
 * The pools keep no worker warm: the check is about sizes, and no worker starts.
 */
@ExtendWith({ OutputCaptureExtension.class, NoChildProcessesLeft.class })
class WorkerMemoryCheckTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MpAutoConfiguration.class))
		.withPropertyValues("mp.pools.reports.size=3", "mp.pools.reports.min-idle=0",
				"mp.pools.reports.max-heap=512m", "mp.pools.small.size=2", "mp.pools.small.min-idle=0",
				"mp.pools.small.jvm-options=-Xmx64m");

	@Test
	void warnsNamingThePoolsTheirSizesAndHeapsAndTheLimit(CapturedOutput output) {
		this.runner.withPropertyValues("mp.worker.memory-limit=1GB").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("WARN")
				.contains("memory limit of 1 GiB (mp.worker.memory-limit)")
				.contains("reports 3 x 512 MiB")
				.contains("small 2 x 64 MiB")
				.contains("mp.pools.<name>.size");
		});
	}

	@Test
	void staysQuietWhenTheHeapsFit(CapturedOutput output) {
		this.runner.withPropertyValues("mp.worker.memory-limit=1TB").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("memory limit");
		});
	}

}

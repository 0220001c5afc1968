package dev.mp;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.internal.worker.WorkerMain;
import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A codec of another module, found by name through the template's class loader, and the agreement on it at a worker's
 * start: here a provider of this test's own, which only a loader the test makes offers as a service, whose stamp a
 * system property sets.
 */
@ExtendWith(NoChildProcessesLeft.class)
class CodecProviderIntegrationTests {

	@TempDir
	Path services;

	@Test
	void aTemplateTakesTheJdkCodecUnlessToldOtherwise() {
		try (ProcessTemplate template = new ProcessTemplate()) {
			assertThat(template.codecName()).isEqualTo("java");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessTemplate.builder().codec("fory").build())
			.withMessageContaining("No codec named 'fory'")
			.withMessageContaining("mp-codec-fory");
	}

	@Test
	void valuesCrossWithTheCodecAndAWorkerWithAnotherBuildOfItFailsToStart() throws Exception {
		try (URLClassLoader loader = withProvider();
				ProcessTemplate template = ProcessTemplate.builder().classLoader(loader).codec("stamped").build()) {
			assertThat(template.codecName()).isEqualTo("stamped");
			assertThat(template.submit(() -> List.of("through the codec")).get(30, TimeUnit.SECONDS))
				.containsExactly("through the codec");
			ProcessOptions otherBuild = ProcessOptions.defaults().toBuilder().systemProperty(StampedCodec.STAMP, "2")
				.build();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> template.submit(() -> List.of(1), otherBuild).get(30, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOfSatisfying(ProcessStartException.class, (failure) -> {
					assertThat(failure.exitCode()).hasValue(WorkerMain.EXIT_NO_CODEC);
					assertThat(failure.getMessage()).contains("codec 'stamped' (stamp 1)",
							"another build of it ('stamped', stamp 2)", "mp.serialization.codec=java");
				});
		}
	}

	/** A loader over the tests' classes with a services file that names {@link StampedCodec}. */
	private URLClassLoader withProvider() throws IOException {
		Path file = this.services.resolve("META-INF/services/" + CodecProvider.class.getName());
		Files.createDirectories(file.getParent());
		Files.writeString(file, StampedCodec.class.getName() + "\n");
		return new URLClassLoader(new URL[] { this.services.toUri().toURL() }, getClass().getClassLoader());
	}

	/** Named {@code stamped}: its stamp is the system property's, and its codec is the fallback mp gives it. */
	public static final class StampedCodec implements CodecProvider {

		static final String STAMP = "mp.test.codec-stamp";

		@Override
		public String name() {
			return "stamped";
		}

		@Override
		public String stamp() {
			return "stamp " + System.getProperty(STAMP, "1");
		}

		@Override
		public Codec create(CodecSettings settings) {
			return settings.fallback();
		}

	}

}

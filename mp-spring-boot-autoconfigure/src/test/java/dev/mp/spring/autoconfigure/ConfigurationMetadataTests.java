package dev.mp.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonParserFactory;

import dev.mp.ProcessOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The configuration metadata generated from {@link MpProperties} and {@link MpKubernetesProperties}, merged with
 * {@code additional-spring-configuration-metadata.json}: what an IDE shows for each {@code mp.*} property.
 */
class ConfigurationMetadataTests {

	private static final Pattern SENTENCE_END = Pattern.compile("\\. (?=[A-Z0-9])");

	@Test
	void everyPropertyHasAShortPlainDescription() throws IOException {
		List<Map<String, Object>> properties = mpProperties();
		assertThat(properties).isNotEmpty();
		for (Map<String, Object> property : properties) {
			String description = (String) property.get("description");
			assertThat(description).as("description of %s", property.get("name")).isNotBlank();
			// a tooltip renders no javadoc tags, and longer reasoning belongs in the docs
			assertThat(description).as("description of %s", property.get("name")).doesNotContain("{@");
			assertThat(SENTENCE_END.split(description)).as("sentences of %s", property.get("name")).hasSizeLessThan(3);
		}
	}

	@Test
	void oomScoreAdjustmentDefaultIsProcessOptionsOwn() throws IOException {
		assertThat(mpProperties())
			.filteredOn((property) -> "mp.worker.oom-score-adjustment".equals(property.get("name")))
			.singleElement()
			.extracting((property) -> ((Number) property.get("defaultValue")).intValue())
			.isEqualTo(ProcessOptions.DEFAULT_OOM_SCORE_ADJUSTMENT);
	}

	@Test
	void theCallersMdcTravelsByDefault() throws IOException {
		assertThat(mpProperties())
			.filteredOn((property) -> ((String) property.get("name")).startsWith("mp.worker.mdc."))
			.extracting((property) -> property.get("name"), (property) -> property.get("defaultValue"))
			.containsExactlyInAnyOrder(tuple("mp.worker.mdc.enabled", true), tuple("mp.worker.mdc.keys", null));
	}

	@Test
	void workerLogEventsAreOnByDefault() throws IOException {
		assertThat(mpProperties())
			.filteredOn((property) -> ((String) property.get("name")).startsWith("mp.worker.log-events."))
			.extracting((property) -> property.get("name"), (property) -> property.get("defaultValue"))
			.containsExactly(tuple("mp.worker.log-events.enabled", true));
	}

	@Test
	void noThreadLocalTravelsUnlessNamed() throws IOException {
		assertThat(mpProperties()).filteredOn((property) -> "mp.worker.context.keys".equals(property.get("name")))
			.singleElement()
			.satisfies((property) -> assertThat(property.get("description")).asString()
				.contains("context-propagation")
				.contains("none by default"));
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> mpProperties() throws IOException {
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			Map<String, Object> metadata;
			try (InputStream in = url.openStream()) {
				metadata = JsonParserFactory.getJsonParser()
					.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
			List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
			List<Map<String, Object>> mine = properties.stream()
				.filter((property) -> ((String) property.get("name")).startsWith("mp."))
				.toList();
			if (!mine.isEmpty()) {
				return mine;
			}
		}
		return List.of();
	}

}

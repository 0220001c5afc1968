package dev.mp.spring.tracing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application the tracing tests fork workers of: it records the span of each {@code mp.call} observation it
 * stops, with its tags, so that a test can hold a worker's span against it.
 */
@SpringBootApplication
public class TracingTestApplication {

	/** The {@code mp.call} observations this application stopped, as their spans and tags. */
	static final List<Stopped> stopped = new CopyOnWriteArrayList<>();

	@Bean
	ObservationHandler<Observation.Context> mpCallRecorder() {
		return new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				if ("mp.call".equals(context.getName())) {
					TracingObservationHandler.TracingContext tracing = context
						.get(TracingObservationHandler.TracingContext.class);
					String[] ids = (tracing != null && tracing.getSpan() != null)
							? new String[] { tracing.getSpan().context().traceId(),
									tracing.getSpan().context().spanId(), tracing.getSpan().context().parentId() }
							: new String[3];
					stopped.add(new Stopped(ids[0], ids[1], ids[2], context.getLowCardinalityKeyValues()
						.stream()
						.map((tag) -> tag.getKey() + "=" + tag.getValue())
						.toList()));
				}
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		};
	}

	record Stopped(String traceId, String spanId, String parentId, List<String> tags) {
	}

}

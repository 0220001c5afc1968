package dev.mp.spring.tracing;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mp.ProcessTemplate;
import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @WorkerProcess} call is an {@code mp.call} observation of the application, and the worker continues the
 * caller's trace: its span is a child of the call's span, in the same trace, and its log context has the trace's ids;
 * with Brave and with OpenTelemetry, in real worker JVMs booting the same application. The context-propagation
 * values opted in cross too. In place ({@code mp.mode=in-place}) a call carries the same.
 */
@ExtendWith(NoChildProcessesLeft.class)
class TracingIntegrationTests {

	private ConfigurableApplicationContext context;

	@BeforeEach
	void clear() {
		TracingTestApplication.stopped.clear();
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void withBraveTheWorkerContinuesTheCallersTrace() {
		start(OpenTelemetryTracingAutoConfiguration.class);
		assertThat(this.context.getBean(Tracer.class)).isInstanceOf(BraveTracer.class);
		assertTheWorkerContinuesTheCallersTrace();
	}

	@Test
	void withOpenTelemetryTheWorkerContinuesTheCallersTrace() {
		start(BraveAutoConfiguration.class);
		assertThat(this.context.getBean(Tracer.class)).isInstanceOf(OtelTracer.class);
		assertTheWorkerContinuesTheCallersTrace();
	}

	@Test
	void theThreadLocalsOptedInCrossWithTheTraceAndAreGoneAfterTheCall() {
		start(OpenTelemetryTracingAutoConfiguration.class, "--mp.worker.context.keys=test.tenant");
		TracedService service = this.context.getBean(TracedService.class);
		assertThat(threadLocalsSeenWithATenantAndASecret(service)).isEqualTo("acme null");
		assertThat(service.threadLocals()).isEqualTo("null null");
		await().until(() -> TracingTestApplication.stopped.size() == 2);
		assertTheWorkerContinuesTheCallersTrace();
	}

	@Test
	void inPlaceACallContinuesTheCallersTraceAndCarriesTheThreadLocalsAsInAWorker() {
		start(OpenTelemetryTracingAutoConfiguration.class, "--mp.mode=in-place", "--mp.worker.context.keys=test.tenant");
		TracedService service = this.context.getBean(TracedService.class);
		assertThat(threadLocalsSeenWithATenantAndASecret(service)).isEqualTo("acme null");
		await().until(() -> TracingTestApplication.stopped.size() == 1);
		assertTheWorkerContinuesTheCallersTrace();
		assertThat(this.context.getBean(ProcessTemplate.class).children()).isEmpty();
	}

	/** What the call sees of the thread-locals, set on this thread for the call alone. */
	private static String threadLocalsSeenWithATenantAndASecret(TracedService service) {
		TestAccessor.TENANT.set("acme");
		TestAccessor.SECRET.set("s3cr3t");
		try {
			return service.threadLocals();
		}
		finally {
			TestAccessor.TENANT.remove();
			TestAccessor.SECRET.remove();
		}
	}

	private void start(Class<?> otherTracer, String... arguments) {
		List<String> all = new ArrayList<>(List.of("--spring.autoconfigure.exclude=" + otherTracer.getName(),
				"--management.tracing.sampling.probability=1.0", "--mp.pools.traced.size=1",
				"--mp.pools.traced.min-idle=0"));
		all.addAll(List.of(arguments));
		this.context = new SpringApplicationBuilder(TracingTestApplication.class).run(all.toArray(String[]::new));
	}

	private void assertTheWorkerContinuesTheCallersTrace() {
		Tracer tracer = this.context.getBean(Tracer.class);
		TracedService service = this.context.getBean(TracedService.class);
		List<TracingTestApplication.Stopped> stopped = TracingTestApplication.stopped;
		int before = stopped.size();
		Span request = tracer.nextSpan().name("request").start();
		String[] seen;
		try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
			seen = service.spanInWorker().split(" ");
		}
		finally {
			request.end();
		}
		// stopped on the thread that completed the caller's future, which may wake the caller first
		await().until(() -> stopped.size() == before + 1);
		TracingTestApplication.Stopped call = stopped.get(before);
		assertThat(call.traceId()).isEqualTo(request.context().traceId());
		assertThat(call.parentId()).isEqualTo(request.context().spanId());
		assertThat(call.tags()).contains("pool=traced", "bean.method=tracedService.spanInWorker", "task=none",
				"outcome=success");
		String traceId = seen[0];
		String spanId = seen[1];
		String parentId = seen[2];
		assertThat(traceId).isEqualTo(request.context().traceId());
		assertThat(parentId).isEqualTo(call.spanId());
		assertThat(spanId).isNotIn(call.spanId(), request.context().spanId());
		// the worker's log lines for the call carry the trace
		assertThat(seen[3]).isEqualTo(traceId);
		assertThat(seen[4]).isEqualTo(spanId);
		assertThatIllegalStateException().isThrownBy(service::fails);
		await().until(() -> stopped.size() == before + 2);
		assertThat(stopped.get(before + 1).tags()).contains("outcome=failure");
		MeterRegistry meters = this.context.getBean(MeterRegistry.class);
		await().untilAsserted(() -> assertThat(meters.get("mp.call").tag("pool", "traced").timers())
			.extracting((timer) -> timer.getId().getTag("bean.method") + " " + timer.getId().getTag("outcome"))
			.contains("tracedService.spanInWorker success", "tracedService.fails failure"));
		// a call outside any span starts a trace of its own
		List<String> outside = List.of(service.spanInWorker().split(" "));
		assertThat(outside.get(0)).isNotEqualTo(traceId);
	}

}

package dev.mp.spring.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

/** Says, from inside a worker, which span its call runs in and what its MDC holds. */
@Service
public class TracedService {

	private final ObjectProvider<Tracer> tracer;

	public TracedService(ObjectProvider<Tracer> tracer) {
		this.tracer = tracer;
	}

	/** The current span's trace, span and parent ids, then the MDC's traceId and spanId. */
	@WorkerProcess(pool = "traced")
	public String spanInWorker() {
		Span span = this.tracer.getObject().currentSpan();
		String ids = (span != null) ? span.context().traceId() + " " + span.context().spanId() + " "
				+ span.context().parentId() : "none none none";
		return ids + " " + MDC.get("traceId") + " " + MDC.get("spanId");
	}

	/** The tenant and the secret the test's thread-locals hold here. */
	@WorkerProcess(pool = "traced")
	public String threadLocals() {
		return TestAccessor.TENANT.get() + " " + TestAccessor.SECRET.get();
	}

	@WorkerProcess(pool = "traced")
	public String fails() {
		throw new IllegalStateException("as asked");
	}

}

package dev.mp.spring.observation;

import java.util.List;
import java.util.Map;

import io.micrometer.context.ContextRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mp.spi.CallObserver;

import static org.assertj.core.api.Assertions.assertThat;

/** Which thread-local values travel, and how the worker's thread gets them and then its own back. */
class ThreadLocalsCallObserverTests {

	private static final ThreadLocal<Object> TENANT = new ThreadLocal<>();

	private static final ThreadLocal<Object> OTHER = new ThreadLocal<>();

	private final ContextRegistry registry = new ContextRegistry().registerThreadLocalAccessor("tenant", TENANT)
		.registerThreadLocalAccessor("other", OTHER);

	private final CallObserver.CallInfo call = new CallObserver.CallInfo("p", "t", false);

	@AfterEach
	void clear() {
		TENANT.remove();
		OTHER.remove();
	}

	@Test
	void onlyTheNamedSerializableValuesTravelAndTheWorkerHasThemForTheCall() {
		TENANT.set("acme");
		OTHER.set("not asked for");
		Map<String, String> entries = new ThreadLocalsCallObserver(this.registry, List.of("tenant", "missing"))
			.start(this.call)
			.entries();
		assertThat(entries).containsOnlyKeys("mp.context.tenant");
		TENANT.set("the worker's own");
		OTHER.remove();
		CallObserver worker = new ThreadLocalsCallObserver(this.registry, List.of());
		CallObserver.Scope scope = worker.open("task t", entries);
		assertThat(TENANT.get()).isEqualTo("acme");
		assertThat(OTHER.get()).isNull();
		scope.close(null);
		assertThat(TENANT.get()).isEqualTo("the worker's own");
		TENANT.remove();
		worker.open("task t", entries).close(new IllegalStateException());
		assertThat(TENANT.get()).isNull();
	}

	@Test
	void aValueThatCannotBeSerializedStaysBehindAndTheCallGoes() {
		TENANT.set(new Object());
		OTHER.set("fine");
		assertThat(new ThreadLocalsCallObserver(this.registry, List.of("tenant", "other")).start(this.call).entries())
			.containsOnlyKeys("mp.context.other");
	}

	@Test
	void withoutKeysNothingTravels() {
		TENANT.set("acme");
		assertThat(new ThreadLocalsCallObserver(this.registry, List.of()).start(this.call).entries()).isEmpty();
	}

}

package dev.mp.internal.call;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.mp.internal.wire.FrameType;
import dev.mp.internal.wire.Payload;
import dev.mp.internal.wire.ProtocolException;
import dev.mp.spi.CallObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The call context's wire form: present only when there is context to carry, ahead of the call's own type and
 * payload, which it leaves as they were.
 */
class CallContextTests {

	private final CallRequest call = new CallRequest(FrameType.COMPACT_CALL, Payload.withValues(new byte[] { 7 }, "x"));

	@AfterEach
	void clear() {
		MDC.clear();
	}

	@Test
	void aCallWithoutContextIsSentAsItIs() {
		assertThat(CallContext.ALL.attach(this.call, null, 1 << 20)).isSameAs(this.call);
		MDC.put("requestId", "r");
		assertThat(CallContext.NONE.attach(this.call, null, 1 << 20)).isSameAs(this.call);
		assertThat(CallContext.of(true, Set.of("userId")).attach(this.call, null, 1 << 20)).isSameAs(this.call);
	}

	@Test
	void theContextIsReadBackAheadOfTheCallsOwnTypeAndPayload() {
		MDC.put("requestId", "r-ü");
		MDC.put("userId", "");
		CallRequest sent = CallContext.ALL.attach(this.call, null, 1 << 20);
		assertThat(sent.type()).isEqualTo(FrameType.CONTEXT_CALL);
		byte[] bytes = sent.payload().bytes();
		// shared memory's buffers are in the machine's order
		ByteBuffer payload = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN).put(bytes).flip();
		assertThat(CallContext.read(payload).mdc()).containsOnly(Map.entry("requestId", "r-ü"),
				Map.entry("userId", ""));
		assertThat(FrameType.of(payload.get())).isEqualTo(FrameType.COMPACT_CALL);
		byte[] rest = new byte[payload.remaining()];
		payload.get(rest);
		assertThat(rest).isEqualTo(this.call.payload().bytes());
	}

	@Test
	void anObserversEntriesTravelBesideTheMdcAndItsObservationStaysWithTheCall() {
		Observed observed = new Observed(Map.of("traceparent", "00-abc-def-01"));
		CallRequest sent = CallContext.NONE.attach(this.call, observed, 1 << 20);
		assertThat(sent.type()).isEqualTo(FrameType.CONTEXT_CALL);
		assertThat(sent.observed()).isSameAs(observed);
		ByteBuffer payload = ByteBuffer.wrap(sent.payload().bytes());
		CallContext.Header header = CallContext.read(payload);
		assertThat(header.mdc()).isEmpty();
		assertThat(header.entries()).containsOnly(Map.entry("traceparent", "00-abc-def-01"));
		assertThat(FrameType.of(payload.get())).isEqualTo(FrameType.COMPACT_CALL);
		MDC.put("requestId", "r");
		sent = CallContext.ALL.attach(this.call, observed, 1 << 20);
		header = CallContext.read(ByteBuffer.wrap(sent.payload().bytes()));
		assertThat(header.mdc()).containsOnly(Map.entry("requestId", "r"));
		assertThat(header.entries()).containsOnlyKeys("traceparent");
	}

	@Test
	void anObservedCallWithNothingToCarryKeepsItsFrameType() {
		Observed observed = new Observed(Map.of());
		CallRequest sent = CallContext.ALL.attach(this.call, observed, 1 << 20);
		assertThat(sent.type()).isEqualTo(FrameType.COMPACT_CALL);
		assertThat(sent.payload()).isSameAs(this.call.payload());
		assertThat(sent.observed()).isSameAs(observed);
	}

	@Test
	void onlyTheKeysAskedForTravel() {
		MDC.put("requestId", "r");
		MDC.put("userId", "u");
		CallRequest sent = CallContext.of(true, Set.of("requestId")).attach(this.call, null, 1 << 20);
		assertThat(CallContext.read(ByteBuffer.wrap(sent.payload().bytes())).mdc()).containsOnlyKeys("requestId");
	}

	@Test
	void aSectionLongerThanItsPayloadIsAProtocolError() {
		ByteBuffer payload = ByteBuffer.allocate(12).putInt(1).putInt(1000).putInt(0).flip();
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> CallContext.read(payload));
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> CallContext.read(ByteBuffer.allocate(2)));
		// a count that its bytes cannot hold is refused before anything is allocated for it
		ByteBuffer many = ByteBuffer.allocate(12).putInt(Integer.MAX_VALUE / 4).putInt(0).putInt(0).flip();
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> CallContext.read(many));
	}

	@Test
	void aContextThatWouldPassTheFrameLimitStaysBehindAndTheCallGoes() {
		MDC.put("requestId", "r".repeat(100));
		long callBytes = this.call.payload().size();
		assertThat(CallContext.ALL.attach(this.call, null, (int) callBytes + 50)).isSameAs(this.call);
		assertThat(CallContext.ALL.attach(this.call, null, 1 << 20).type()).isEqualTo(FrameType.CONTEXT_CALL);
	}

	private record Observed(Map<String, String> entries) implements CallObserver.Observed {

		@Override
		public void stop(@Nullable Throwable failure) {
		}

	}

}

package dev.mp.internal.call;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.mp.JvmFacts;
import dev.mp.Progress;
import dev.mp.internal.wire.ProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The fixed form of a worker's facts and progress frames. */
class WorkerReportsTests {

	@Test
	void factsTravelWhole() {
		Instant now = Instant.now();
		JvmFacts facts = WorkerReports.facts(WorkerReports.facts(1, 2, 3, 4, 5, 6, 7, 8, -1), now);
		assertThat(facts).isEqualTo(new JvmFacts(now, 1, 2, 3, 4, Duration.ofMillis(5), 6, 7, Duration.ofMillis(8),
				null));
		assertThat(WorkerReports.facts(WorkerReports.facts(1, 2, 3, 4, 5, 6, 7, 8, 9), now).contextUptime())
			.isEqualTo(Duration.ofMillis(9));
	}

	@Test
	void progressTravelsWithOrWithoutAMessage() {
		Progress some = new Progress(3, 10, "copying \u00e9t\u00e9");
		assertThat(WorkerReports.progress(WorkerReports.progress(some))).isEqualTo(some);
		Progress none = new Progress(3, 0, null);
		assertThat(WorkerReports.progress(WorkerReports.progress(none))).isEqualTo(none);
	}

	@Test
	void aLongMessageIsCut() {
		Progress progress = WorkerReports.progress(WorkerReports.progress(new Progress(1, 1, "x".repeat(5000))));
		assertThat(progress.message()).hasSize(WorkerReports.MAX_MESSAGE_BYTES);
		// two bytes each, cut at an odd byte: the last whole character is kept, none is cut in half
		Progress accented = WorkerReports
			.progress(WorkerReports.progress(new Progress(1, 1, "x" + "\u00e9".repeat(600))));
		assertThat(accented.message()).isEqualTo("x" + "\u00e9".repeat((WorkerReports.MAX_MESSAGE_BYTES - 1) / 2));
	}

	@Test
	void aBrokenFrameIsAProtocolError() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> WorkerReports.progress(new byte[5]));
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> WorkerReports.facts(new byte[8], Instant.now()));
		byte[] negative = WorkerReports.progress(new Progress(1, 1, null));
		negative[0] = (byte) 0x80;
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> WorkerReports.progress(negative));
	}

}

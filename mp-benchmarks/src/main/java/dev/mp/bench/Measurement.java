package dev.mp.bench;

import java.util.Arrays;
import java.util.Objects;

/**
 * One figure of the table: its samples (one per repetition, after warm-up) and their median, p10 and p90.
 * @param id stable key that targets refer to (see {@link Figures})
 * @param figure the human description shown in the table
 * @param unit the unit of every sample
 * @param samples one value per measured repetition, in {@code unit}
 * @param note a short remark shown under the table ({@code null} for none)
 */
public record Measurement(String id, String figure, String unit, double[] samples, String note) {

	public Measurement {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(figure, "figure");
		Objects.requireNonNull(unit, "unit");
		if (samples == null || samples.length == 0) {
			throw new IllegalArgumentException("No samples for " + id);
		}
		samples = samples.clone();
		Arrays.sort(samples);
	}

	public static Measurement of(String id, String figure, String unit, double[] samples) {
		return new Measurement(id, figure, unit, samples, null);
	}

	public Measurement withNote(String note) {
		return new Measurement(this.id, this.figure, this.unit, this.samples, note);
	}

	public int count() {
		return this.samples.length;
	}

	public double median() {
		return percentile(50);
	}

	public double p10() {
		return percentile(10);
	}

	public double p90() {
		return percentile(90);
	}

	/** Linear interpolation between closest ranks (the usual "R-7" definition, as numpy's default). */
	public double percentile(double p) {
		double rank = (p / 100.0) * (this.samples.length - 1);
		int low = (int) Math.floor(rank);
		int high = (int) Math.ceil(rank);
		return this.samples[low] + (rank - low) * (this.samples[high] - this.samples[low]);
	}

}

package dev.mp.bench;

/**
 * A goal (of issue 3 or of the synchronization issue): a figure's median compared with another figure's median (its
 * floor or Python's), in the same unit. A target is always printed, whether met, missed or not measured yet.
 * @param figureId the figure being judged
 * @param floorId the figure it is compared with
 * @param factor the allowed ratio
 * @param atMost {@code true}: ratio must be {@code <= factor} (times, memory); {@code false}: {@code >= factor} (rates)
 */
public record Target(String figureId, String floorId, double factor, boolean atMost) {

	public static Target atMost(String figureId, double factor, String floorId) {
		return new Target(figureId, floorId, factor, true);
	}

	public static Target atLeast(String figureId, double factor, String floorId) {
		return new Target(figureId, floorId, factor, false);
	}

	public double ratio(Measurement figure, Measurement floor) {
		return figure.median() / floor.median();
	}

	public boolean met(double ratio) {
		return this.atMost ? ratio <= this.factor : ratio >= this.factor;
	}

	public String requirement() {
		return (this.atMost ? "<= " : ">= ") + Report.factor(this.factor) + "x";
	}

}

package dev.mp.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The Markdown report: the figures table, the targets table, notes and failures. */
final class Report {

	private Report() {
	}

	static String render(Bench bench, List<String> header) {
		Map<String, Measurement> byId = new LinkedHashMap<>();
		bench.measurements().forEach((m) -> byId.put(m.id(), m));
		StringBuilder out = new StringBuilder();
		out.append("# mp benchmarks\n\n");
		header.forEach((line) -> out.append("- ").append(line).append('\n'));
		out.append('\n');

		out.append("| Figure | Median | p10 | p90 | Unit | n | Ratio vs floor (target) |\n");
		out.append("|---|---:|---:|---:|---|---:|---|\n");
		List<String> notes = new ArrayList<>();
		for (Measurement m : bench.measurements()) {
			String figure = m.figure();
			if (m.note() != null) {
				notes.add(m.note());
				figure += " [" + notes.size() + "]";
			}
			out.append("| ").append(figure).append(" | ").append(number(m.median())).append(" | ")
				.append(number(m.p10())).append(" | ").append(number(m.p90())).append(" | ").append(m.unit())
				.append(" | ").append(m.count()).append(" | ").append(ratioCell(m, byId)).append(" |\n");
		}
		for (Bench.Pending p : bench.pendingRows()) {
			out.append("| ").append(p.figure()).append(" | — | — | — | ").append(p.unit())
				.append(" | 0 | not measured yet: ").append(p.why()).append(" |\n");
		}
		if (!notes.isEmpty()) {
			out.append('\n');
			for (int i = 0; i < notes.size(); i++) {
				out.append('[').append(i + 1).append("] ").append(notes.get(i)).append("  \n");
			}
		}

		for (Map.Entry<String, List<Target>> group : Figures.TARGET_GROUPS.entrySet()) {
			// a group none of whose figures was measured (a run with --sync-only) is left out, not listed as all absent
			boolean anyMeasured = group.getValue().stream()
				.anyMatch((t) -> byId.containsKey(t.figureId()) || byId.containsKey(t.floorId()));
			if (anyMeasured) {
				renderTargets(out, bench, byId, group.getKey(), group.getValue());
			}
		}

		if (!bench.failures().isEmpty()) {
			out.append("\n## Failures\n\n");
			bench.failures().forEach((failure) -> out.append("- ").append(failure).append('\n'));
		}
		return out.toString();
	}

	private static void renderTargets(StringBuilder out, Bench bench, Map<String, Measurement> byId, String heading,
			List<Target> targets) {
		out.append("\n## ").append(heading).append("\n\n");
		out.append("| Figure | Compared with | Figure median | Floor median | Ratio | Required | Status |\n");
		out.append("|---|---|---:|---:|---:|---|---|\n");
		for (Target target : targets) {
			Measurement figure = byId.get(target.figureId());
			Measurement floor = byId.get(target.floorId());
			out.append("| ").append(label(bench, target.figureId())).append(" | ")
				.append(label(bench, target.floorId())).append(" | ")
				.append((figure != null) ? number(figure.median()) + " " + figure.unit() : "—").append(" | ")
				.append((floor != null) ? number(floor.median()) + " " + floor.unit() : "—").append(" | ");
			if (figure != null && floor != null) {
				double ratio = target.ratio(figure, floor);
				out.append(factor(ratio)).append("x | ").append(target.requirement()).append(" | ")
					.append(target.met(ratio) ? "met" : "**MISSED**");
			}
			else {
				out.append("— | ").append(target.requirement()).append(" | not measured yet (")
					.append((figure == null) ? "figure" : "floor").append(" absent)");
			}
			out.append(" |\n");
		}
	}

	private static String ratioCell(Measurement m, Map<String, Measurement> byId) {
		List<String> cells = new ArrayList<>();
		for (Target target : Figures.allTargets()) {
			if (!target.figureId().equals(m.id())) {
				continue;
			}
			Measurement floor = byId.get(target.floorId());
			if (floor == null) {
				cells.add("vs " + target.floorId() + ": not measured (" + target.requirement() + ")");
				continue;
			}
			double ratio = target.ratio(m, floor);
			cells.add(factor(ratio) + "x " + floor.figure() + " (" + target.requirement() + "): "
					+ (target.met(ratio) ? "met" : "**MISSED**"));
		}
		return String.join("; ", cells);
	}

	private static String label(Bench bench, String id) {
		Optional<String> measured = bench.measurements().stream().filter((m) -> m.id().equals(id))
			.map(Measurement::figure).findFirst();
		return measured.or(() -> bench.pendingRows().stream().filter((p) -> p.id().equals(id))
			.map(Bench.Pending::figure).findFirst()).orElse(id);
	}

	/** A value with about three significant digits; large rates with thousands separators. */
	static String number(double value) {
		double abs = Math.abs(value);
		if (abs >= 100_000) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (abs >= 100) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		if (abs >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	static String factor(double ratio) {
		return String.format(Locale.ROOT, (ratio >= 10) ? "%.1f" : (ratio >= 0.1) ? "%.2f" : "%.3f", ratio);
	}

}

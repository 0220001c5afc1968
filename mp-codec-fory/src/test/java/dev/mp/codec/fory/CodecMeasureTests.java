package dev.mp.codec.fory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.spi.Codec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process figures of the issue: the order there and back with mp's JDK codec and with the Fory codec, with
 * interpreted and with generated serializers (warm medians, taken in turns), and what a fresh JVM pays for each
 * before its first answer, without and with a class-data archive of a run before it (as mp's workers have). Not part
 * of the normal build (the {@code measure} profile runs it); it prints its figures.
 */
class CodecMeasureTests {

	private static final ClassLoader LOADER = CodecMeasureTests.class.getClassLoader();

	private static final List<String> CODECS = List.of("jdk", "fory", "fory-generating");

	@TempDir
	Path archives;

	@Test
	void warmRoundTripOfTheOrder() {
		Order order = Order.sample();
		List<Codec> codecs = List.of(TestCodecs.jdk(), TestCodecs.fory(), TestCodecs.foryGenerating());
		int[] counts = { 400, 4_000, 4_000 };
		long[][] times = { new long[10 * counts[0]], new long[10 * counts[1]], new long[10 * counts[2]] };
		// the first pass warms up, the second is measured
		for (int pass = 0; pass < 2; pass++) {
			for (int round = 0; round < 10; round++) {
				for (int i = 0; i < codecs.size(); i++) {
					measure(codecs.get(i), order, times[i], round * counts[i], counts[i]);
				}
			}
		}
		for (int i = 0; i < codecs.size(); i++) {
			System.out.printf(Locale.ROOT, "order there and back, %s: %d bytes, median %.1f us%n", CODECS.get(i),
					codecs.get(i).encode(order).length, median(times[i]) / 1e3);
		}
	}

	@Test
	void coldCostInAFreshJvm() throws Exception {
		String classPath = jarredClassPath();
		for (String codec : CODECS) {
			Path archive = this.archives.resolve(codec + ".jsa");
			coldStart(classPath, codec, "-XX:ArchiveClassesAtExit=" + archive);
			assertThat(archive).exists();
			for (String option : List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive)) {
				List<double[]> runs = new ArrayList<>();
				for (int run = 0; run < 7; run++) {
					runs.add(coldStart(classPath, codec, option));
				}
				print(codec + (option.contains("Archive") ? " with an archive" : ""), runs);
			}
		}
	}

	/** The tests' class path with its directories made jars: a class-data archive takes classes from jars only. */
	private String jarredClassPath() throws IOException {
		List<String> entries = new ArrayList<>();
		for (String entry : System.getProperty("surefire.test.class.path").split(File.pathSeparator)) {
			Path path = Path.of(entry);
			if (!Files.isDirectory(path)) {
				entries.add(entry);
				continue;
			}
			Path jar = this.archives.resolve(entries.size() + ".jar");
			try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
					Stream<Path> files = Files.walk(path)) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					out.putNextEntry(new JarEntry(path.relativize(file).toString().replace(File.separatorChar, '/')));
					Files.copy(file, out);
					out.closeEntry();
				}
			}
			entries.add(jar.toString());
		}
		return String.join(File.pathSeparator, entries);
	}

	private static void print(String what, List<double[]> runs) {
		String[] names = { "build", "first round trip", "second", "an unseen class's first" };
		StringBuilder line = new StringBuilder(what + ", median of " + runs.size() + " fresh JVMs (ms):");
		for (int i = 0; i < names.length; i++) {
			int figure = i;
			double[] values = runs.stream().mapToDouble((each) -> each[figure]).sorted().toArray();
			line.append(String.format(Locale.ROOT, " %s %.1f (%.1f-%.1f);", names[i], values[values.length / 2],
					values[0], values[values.length - 1]));
		}
		System.out.println(line);
	}

	private static void measure(Codec codec, Object value, long[] times, int from, int count) {
		for (int i = from; i < from + count; i++) {
			long start = System.nanoTime();
			codec.decode(codec.encode(value), LOADER);
			times[i] = System.nanoTime() - start;
		}
	}

	private static long median(long[] times) {
		long[] sorted = times.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double[] coldStart(String classPath, String codec, String option)
			throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), option, "-cp", classPath, ColdStart.class.getName(), codec)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		Matcher figures = Pattern.compile("build (\\S+) first (\\S+) second (\\S+) unseen (\\S+)").matcher(output);
		assertThat(figures.find()).as(output).isTrue();
		return new double[] { Double.parseDouble(figures.group(1)), Double.parseDouble(figures.group(2)),
				Double.parseDouble(figures.group(3)), Double.parseDouble(figures.group(4)) };
	}

}

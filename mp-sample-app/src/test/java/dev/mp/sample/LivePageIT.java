package dev.mp.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;

import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tools.jackson.databind.JsonNode;

import dev.mp.test.NoChildProcessesLeft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's live page at {@code /} in a real browser: Debian's {@code chromium}, headless, driven through its
 * {@code chromedriver} against the packaged application. The page must list the live workers the actuator lists,
 * show a crashed worker go and its replacement come, show the demos' answers, and log no error in the browser's
 * console. It leaves a screenshot in {@code target/screenshots}. Chromedriver and chromium are children of this JVM:
 * quitting the driver must end them, which {@link NoChildProcessesLeft} checks with the application's.
 * <p>
 * The tests share one application and one page, and run in order.
 */
@ExtendWith(NoChildProcessesLeft.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivePageIT {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOT = Path.of("target", "screenshots", "live-page.png");

	/** What the browser logged, gathered as the tests go: reading the log empties it. */
	private static final List<LogEntry> console = new ArrayList<>();

	private static SampleAppProcess app;

	private static ChromeDriver browser;

	@BeforeAll
	static void openThePage() throws IOException {
		assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("%s and %s: install Debian's chromium and chromium-driver "
					+ "(apt-get install chromium chromium-driver; .ci/run does it when they are missing)", CHROMIUM,
					CHROMEDRIVER)
			.isTrue();
		app = SampleAppProcess.start("--server.shutdown=immediate");
		browser = new ChromeDriver(
				// the driver and the browser named here: Selenium Manager never looks for, or downloads, either
				new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
				browserOptions());
		browser.get(app.uri("/").toString());
	}

	private static ChromeOptions browserOptions() throws IOException {
		Files.createDirectories(Path.of("target"));
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			// --no-sandbox: Chromium's sandbox refuses to run as root, as in CI containers
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking",
					"--disable-component-update", "--disable-sync", "--window-size=1400,900",
					"--user-data-dir=" + Files.createTempDirectory(Path.of("target"), "chromium-profile-")
						.toAbsolutePath());
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logging);
		return options;
	}

	@AfterAll
	static void closeThePage() throws InterruptedException {
		// the browser first: it would go on asking the application for its processes
		if (browser != null) {
			browser.quit();
		}
		if (app != null) {
			app.close();
		}
	}

	@Test
	@Order(1)
	void thePageListsTheLiveProcessesTheActuatorLists() {
		assertThat(browser.getTitle()).startsWith("mp sample");
		await("the page to list the live processes of /actuator/processes").atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(pagePids()).isNotEmpty().isEqualTo(livePids()));
		assertThat(browser.findElement(By.cssSelector("[data-pool=default]")).getText()).contains("2 of 2 workers");
	}

	@Test
	@Order(2)
	void theCountPrimesButtonShowsTheAnswer() {
		// the page's default: primes up to 2,000,000
		assertAnswer(run("primes"), 200).startsWith("148,933 primes up to 2,000,000");
	}

	@Test
	@Order(3)
	void theSharedPrimesAndTutorialButtonsShowTheirAnswers() {
		browser.findElement(By.cssSelector("button[data-demo=shared]")).click();
		WebElement tutorial = run("tutorial");
		assertAnswer(awaitResult("shared"), 200).startsWith("148,933 primes up to 2,000,000: 4 parts");
		assertAnswer(tutorial, 200).startsWith("3 processes started together")
			.contains("greeter-bob", "greeter-alice", "greeter-carol");
	}

	@Test
	@Order(4)
	void aCrashedWorkerLeavesTheLiveListAndItsReplacementJoinsIt() throws Exception {
		await("the page to list the live processes of /actuator/processes").atMost(Duration.ofSeconds(30))
			.until(() -> pagePids().equals(livePids()));
		Set<String> before = livePids();
		WebElement result = run("crash");
		assertAnswer(result, 200).contains("ProcessDiedException", "exit code 3");
		assertThat(result.getDomAttribute("class")).as("a crash is the expected answer, not a failure")
			.contains("expected");
		String crashed = crashedPid(before);
		await("worker " + crashed + " to leave the page, and a new worker to join it").atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(pagePids()).doesNotContain(crashed)
				.anySatisfy((pid) -> assertThat(before).doesNotContain(pid)));
		assertThat(browser.findElement(By.cssSelector("#exited tr[data-pid='" + crashed + "']")).getText())
			.contains("exit code 3");
	}

	@Test
	@Order(5)
	void aWorkerReportingProgressShowsItOnThePage() throws IOException {
		WebElement upTo = browser.findElement(By.id("up-to"));
		upTo.clear();
		upTo.sendKeys("10000000");
		browser.findElement(By.cssSelector("button[data-demo=progress]")).click();
		await("a progress bar in the live list").atMost(Duration.ofSeconds(60))
			.until(() -> !browser.findElements(By.cssSelector("#workers td.progress")).isEmpty());
		Files.createDirectories(SCREENSHOT.getParent());
		Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
		assertAnswer(awaitResult("progress"), 200).startsWith("664,579 primes up to 10,000,000");
	}

	@Test
	@Order(6)
	void theBrowserLoggedNoError() {
		gatherConsole();
		assertThat(console).as("the browser's console").noneMatch((entry) -> entry.getLevel() == Level.SEVERE);
	}

	/** Clicks a demo's button and waits for the answer it shows. */
	private static WebElement run(String demo) {
		browser.findElement(By.cssSelector("button[data-demo=" + demo + "]")).click();
		return awaitResult(demo);
	}

	/** The newest answer of a demo, once it has come. */
	private static WebElement awaitResult(String demo) {
		By answered = By.cssSelector("li.result[data-demo=" + demo + "]");
		WebElement result = await("the answer of " + demo).atMost(Duration.ofSeconds(120))
			.until(() -> browser.findElements(answered), (results) -> !results.isEmpty())
			.get(0);
		await("the answer of " + demo).atMost(Duration.ofSeconds(120))
			.until(() -> result.getDomAttribute("data-status") != null);
		gatherConsole();
		return result;
	}

	/** Checks an answer's HTTP status, and gives its summary to check. */
	private static AbstractStringAssert<?> assertAnswer(WebElement result, int status) {
		String summary = result.findElement(By.className("summary")).getText();
		assertThat(result.getDomAttribute("data-status")).as(summary).isEqualTo(String.valueOf(status));
		return assertThat(summary);
	}

	/** The pids in the page's list of live processes, read in one go while the page redraws it every second. */
	private static Set<String> pagePids() {
		List<?> pids = (List<?>) browser.executeScript(
				"return [...document.querySelectorAll('#workers td.pid')].map((cell) => cell.textContent)");
		return new HashSet<>(pids.stream().map(String::valueOf).toList());
	}

	private static Set<String> livePids() throws Exception {
		Set<String> pids = new HashSet<>();
		for (JsonNode process : app.okJson("/actuator/processes").path("processes")) {
			if (process.path("alive").asBoolean()) {
				pids.add(process.path("pid").asString());
			}
		}
		return pids;
	}

	/** The one of {@code pids} the actuator lists as exited with the crash's exit code 3. */
	private static String crashedPid(Set<String> pids) throws Exception {
		List<String> crashed = new ArrayList<>();
		for (JsonNode process : app.okJson("/actuator/processes").path("processes")) {
			if (pids.contains(process.path("pid").asString()) && process.path("exitCode").asInt() == 3) {
				crashed.add(process.path("pid").asString());
			}
		}
		assertThat(crashed).as("the crashed worker among %s", pids).hasSize(1);
		return crashed.get(0);
	}

	private static void gatherConsole() {
		console.addAll(browser.manage().logs().get(LogType.BROWSER).getAll());
	}

}

package com.idp.push.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;

/**
 * The operator console in a real browser: Debian's headless Chromium driven by Selenium through the system
 * chromedriver, against the running service (shared test context: real Kafka, Postgres and pipeline). Skipped
 * when Chromium or chromedriver is not installed ({@code .ci/run} installs them). Each main page is written to
 * {@code target/console-screenshots/}. The browser console must stay free of script errors and CSP violations.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT extends IntegrationTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("idp.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("idp.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SIGNING_SECRET = "console-signing-secret-0123";
    private static final String RECEIVER_TOKEN = "console-receiver-token-4567";
    private static ChromeDriver driver;

    @LocalServerPort
    private int port;
    @Autowired
    private PipelineTopics topics;
    private ApiClient api;

    @BeforeEach
    void browser() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Chromium and chromedriver (apt-get install chromium chromium-driver)");
        api = new ApiClient(port, API_TOKEN);
        if (driver == null) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1400,1000", "--lang=en-US", "--disable-extensions", "--no-first-run");
            options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
        }
    }

    @AfterEach
    void noScriptErrors() {
        if (driver == null) {
            return;
        }
        List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource")) // the 401 of a refused token, 404s asked for
                .toList();
        assertThat(problems).as("browser console errors (script errors, CSP violations)").isEmpty();
    }

    @AfterAll
    static void quit() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    @Test
    @Order(1)
    void signsInWithTheApiTokenOnly() {
        driver.get(base() + "/console/");
        WebElement token = waitFor(By.id("token"));
        screenshot("signin");
        token.sendKeys("not-the-token-at-all-0000");
        driver.findElement(By.id("signin")).click();
        waitUntilText(By.id("signin-error"), "refused");

        token.clear();
        token.sendKeys(API_TOKEN);
        driver.findElement(By.id("signin")).click();

        waitFor(By.id("ov-tiles"));
        assertThat(driver.getCurrentUrl()).endsWith("/console/#/overview");
        assertThat(driver.findElement(By.id("top")).isDisplayed()).isTrue();
    }

    @Test
    @Order(2)
    void createsAWebhookSendsATestDeliveryAndNeverShowsItsSecrets() {
        signedIn();
        String webhook = unique("WH_UI");
        String path = "/" + unique("console-test");
        receiver.on(path).respond(200, Map.of("Content-Type", "application/json"), "{\"received\":true}");

        open("#/webhooks");
        waitFor(By.id("new-webhook")).click();
        waitFor(By.id("wh-id")).sendKeys(webhook);
        driver.findElement(By.id("wh-name")).sendKeys("ERP from the console");
        driver.findElement(By.id("wh-url")).sendKeys(receiver.url(path));
        driver.findElement(By.id("wh-rules")).sendKeys(unique("RULE_UI") + ", RULE_OTHER");
        new Select(driver.findElement(By.id("wh-auth-type"))).selectByValue("bearer");
        waitFor(By.id("wh-auth-token")).sendKeys(RECEIVER_TOKEN);
        driver.findElement(By.id("wh-secret")).sendKeys(SIGNING_SECRET);
        screenshot("webhook-form");
        driver.findElement(By.id("save-webhook")).click();

        WebElement row = waitFor(By.cssSelector("tr[data-webhook='" + webhook + "']"));
        row.findElement(By.cssSelector("button[data-action='test']")).click();
        waitUntilText(By.id("test-result"), "delivered");
        assertThat(driver.findElement(By.id("test-http-status")).getText()).isEqualTo("200");
        assertThat(driver.findElement(By.id("test-result")).getText()).contains("{\"received\":true}");
        ReceivedRequest received = receiver.awaitRequests(path, 1, WAIT).get(0);
        assertThat(received.header("Authorization")).isEqualTo("Bearer " + RECEIVER_TOKEN);
        screenshot("webhooks");

        // secrets go in, never out: the edit form starts with empty secret inputs, the page holds no secret
        row = driver.findElement(By.cssSelector("tr[data-webhook='" + webhook + "']"));
        row.findElement(By.cssSelector("a[data-action='edit']")).click();
        waitFor(By.id("wh-auth-token"));
        assertThat(driver.findElement(By.id("wh-auth-token")).getDomProperty("value")).isEmpty();
        assertThat(driver.findElement(By.id("wh-secret")).getDomProperty("value")).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(RECEIVER_TOKEN).doesNotContain(SIGNING_SECRET);
        driver.findElement(By.id("wh-name")).clear();
        driver.findElement(By.id("wh-name")).sendKeys("ERP renamed");
        driver.findElement(By.id("save-webhook")).click();
        row = waitFor(By.cssSelector("tr[data-webhook='" + webhook + "']"));
        assertThat(row.getText()).contains("ERP renamed");

        // disable, then enable again; the stored secrets survive both updates
        row.findElement(By.cssSelector("button[data-action='toggle']")).click();
        waitUntil(() -> rowText(webhook).contains("disabled"));
        assertThat(api.get("/api/v1/webhooks/" + webhook).json().path("enabled").asBoolean()).isFalse();
        driver.findElement(By.cssSelector("tr[data-webhook='" + webhook + "'] button[data-action='toggle']")).click();
        waitUntil(() -> rowText(webhook).contains("enabled"));
        driver.findElement(By.cssSelector("tr[data-webhook='" + webhook + "'] button[data-action='test']")).click();
        waitUntil(() -> receiver.requests(path).size() == 2);
        assertThat(receiver.requests(path).get(1).header("Authorization")).isEqualTo("Bearer " + RECEIVER_TOKEN);

        driver.findElement(By.cssSelector("tr[data-webhook='" + webhook + "'] button[data-action='delete']")).click();
        driver.switchTo().alert().accept();
        waitUntil(() -> driver.findElements(By.cssSelector("tr[data-webhook='" + webhook + "']")).isEmpty());
        assertThat(api.get("/api/v1/webhooks/" + webhook).status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void findsATaskAndEveryAttemptWithRequestAndResponse() {
        signedIn();
        String rule = unique("R");
        String task = unique("T_UI");
        String webhook = unique("WH");
        String path = "/" + unique("flaky");
        receiver.on(path).respondSequence(503, 200);
        insertWebhook(webhook, receiver.url(path), "s3cret-signing-key-0001", rule);
        produce(topics.input(), task, event(task, rule));
        await().atMost(WAIT).until(() -> api.get("/api/v1/tasks/" + task + "/push-logs").json().path("logs").size() == 2);

        open("#/tasks");
        waitFor(By.id("task-id")).sendKeys(task);
        driver.findElement(By.id("find-task")).click();

        WebElement status = waitFor(By.cssSelector("#status-table tr[data-webhook='" + webhook + "']"));
        assertThat(status.getAttribute("data-status")).isEqualTo("delivered");
        List<WebElement> attempts = driver.findElements(By.cssSelector("#attempts li[data-kind='attempt']"));
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).getText()).contains("HTTP 503").contains("intake");
        assertThat(attempts.get(1).getText()).contains("HTTP 200").contains("delivered");
        attempts.get(0).findElement(By.tagName("summary")).click();
        String first = attempts.get(0).getText();
        assertThat(first).contains("X-IDP-Signature ***").contains("\"task_id\":\"" + task + "\"")
                .contains(receiver.url(path));
        screenshot("task");
    }

    @Test
    @Order(4)
    void rePushesDeadLettersFromTheDlqPageAndSeesThemDelivered() {
        signedIn();
        String rule = unique("R");
        String task = unique("T_DLQ");
        String webhook = unique("WH");
        String path = "/" + unique("rejecting");
        receiver.on(path).respond(422); // not retryable: dead at once
        insertWebhook(webhook, receiver.url(path), "s3cret-signing-key-0002", rule);
        produce(topics.input(), task, event(task, rule));
        await().atMost(WAIT).until(() -> api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters").size() == 1);
        receiver.on(path).respond(200); // the receiver is fixed

        open("#/dlq");
        waitFor(By.id("dlq-results"));
        waitUntil(() -> hasOption(By.id("dlq-webhook"), webhook));
        new Select(driver.findElement(By.id("dlq-webhook"))).selectByValue(webhook);
        driver.findElement(By.id("dlq-task")).sendKeys(task);
        driver.findElement(By.id("dlq-apply")).click();
        WebElement row = waitFor(By.cssSelector("#dlq-table tr[data-task='" + task + "']"));
        assertThat(driver.findElements(By.cssSelector("#dlq-table tbody tr"))).hasSize(1);
        assertThat(row.getText()).contains("422").contains("pending");
        row.findElement(By.cssSelector("input[data-select]")).click();
        waitUntil(() -> driver.findElement(By.id("repush-selected")).isEnabled());
        screenshot("dead-letters");
        driver.findElement(By.id("repush-selected")).click();

        waitUntilText(By.id("repushed"), task);
        waitUntilText(By.id("dlq-results"), "No dead letters match");
        driver.findElement(By.cssSelector("#repushed a")).click();
        waitUntil(() -> !driver.findElements(
                By.cssSelector("#status-table tr[data-webhook='" + webhook + "'][data-status='delivered']")).isEmpty());
        assertThat(receiver.requests(path)).hasSize(2);
        assertThat(driver.findElements(By.cssSelector("#attempts li[data-kind='dead-letter']"))).hasSize(1);

        open("#/dlq?status=requeued&task_id=" + task);
        WebElement requeued = waitFor(By.cssSelector("#dlq-table tr[data-task='" + task + "']"));
        assertThat(requeued.getAttribute("data-status")).isEqualTo("requeued");
        assertThat(requeued.getText()).contains("re-pushed");
    }

    @Test
    @Order(5)
    void overviewChartsTheLastHours() {
        signedIn();
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url("/" + unique("overview")), "s3cret-signing-key-0003", unique("R"));
        assertThat(api.post("/api/v1/webhooks/" + webhook + "/test", null).json().path("success").asBoolean()).isTrue();

        open("#/overview?hours=1");
        waitUntil(() -> !driver.findElements(By.cssSelector("#chart-attempts svg rect")).isEmpty());
        assertThat(driver.findElement(By.id("chart-attempts")).getText()).contains("Attempts per 1 min");
        assertThat(driver.findElements(By.cssSelector("#ov-charts figure"))).hasSize(6);
        assertThat(driver.findElement(By.id("tile-success")).getText()).contains("%");
        assertThat(driver.findElement(By.id("tile-latency")).getText()).contains("ms");
        assertThat(driver.findElements(By.cssSelector("#chart-latency svg path"))).isNotEmpty();
        assertThat(driver.findElement(By.id("chart-stages")).getText()).contains("api");
        screenshot("overview");

        waitUntil(() -> hasOption(By.id("ov-webhook"), webhook));
        new Select(driver.findElement(By.id("ov-webhook"))).selectByValue(webhook);
        waitUntil(() -> driver.getCurrentUrl().contains("webhook_id=" + webhook)
                && driver.findElement(By.id("tile-success")).getText().contains("1 of 1 attempts"));
    }

    // ------------------------------------------------------------------ helpers

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signedIn() {
        driver.get(base() + "/console/#/overview");
        if (!driver.findElements(By.id("token")).isEmpty() || Boolean.FALSE.equals(((JavascriptExecutor) driver)
                .executeScript("return !!sessionStorage.getItem('idp-push.console.token')"))) {
            waitFor(By.id("token")).sendKeys(API_TOKEN);
            driver.findElement(By.id("signin")).click();
        }
        waitFor(By.id("ov-tiles"));
    }

    /** Opens a console page afresh (a same-URL navigation would keep the page already shown). */
    private void open(String hash) {
        String url = base() + "/console/" + hash;
        if (url.equals(driver.getCurrentUrl())) {
            driver.navigate().refresh();
        } else {
            driver.get(url);
        }
    }

    private static boolean hasOption(By select, String value) {
        return new Select(driver.findElement(select)).getOptions().stream()
                .anyMatch(o -> value.equals(o.getDomAttribute("value")));
    }

    private String rowText(String webhook) {
        return driver.findElement(By.cssSelector("tr[data-webhook='" + webhook + "']")).getText();
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).ignoring(RuntimeException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void waitUntilText(By by, String text) {
        new WebDriverWait(driver, WAIT).ignoring(RuntimeException.class)
                .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, WAIT).ignoring(RuntimeException.class).until((WebDriver d) -> condition.getAsBoolean());
    }

    /** The whole page (the window grown to its height for the shot), as target/console-screenshots/NAME.png. */
    private static void screenshot(String name) {
        Dimension window = driver.manage().window().getSize();
        try {
            Number height = (Number) ((JavascriptExecutor) driver)
                    .executeScript("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)");
            driver.manage().window().setSize(new Dimension(window.getWidth(), Math.min(4000, Math.max(window.getHeight(),
                    height.intValue() + 140))));
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.createDirectories(SCREENSHOTS);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not write the screenshot " + name, e);
        } finally {
            driver.manage().window().setSize(window);
        }
    }
}

package com.seglamater.hivemind.server.testing;

import com.seglamater.hivemind.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The base of a browser test: a real server ({@link TestServer}, its own fresh database) and
 * headless Debian Chromium driven through chromedriver by Selenium. Per test class: one server,
 * one browser (started on first use, 1280×800), and on request a second browser with JavaScript
 * turned off. Each test starts with no cookies, so signed out.
 * <p>
 * {@link #screenshot(String)} saves the whole page at desktop width (1280 px) and at phone width
 * (390 px, as a phone shows it) to {@code server/target/screenshots/<TestClass>-<name>-desktop.png}
 * and {@code -phone.png}, a test artifact to look at. Without Chromium or chromedriver
 * ({@code apt-get install chromium chromium-driver}; scripts/test installs them) the tests are
 * skipped with that reason, except under CI ({@code CI=true}), where they fail. Every test is
 * bounded ({@link Timeout}), as is each wait ({@link #WAIT}).
 * <p>
 * A subclass names the server's extra variables in {@link #serverEnv()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BrowserTest {

    public static final Duration WAIT = Duration.ofSeconds(10);
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 800;
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;
    /** A page taller than this is cut in the screenshot (a runaway list must not make a huge file). */
    static final int MAX_SHOT_HEIGHT = 5000;

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HIVEMIND_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("HIVEMIND_CHROMEDRIVER",
            "/usr/bin/chromedriver"));

    protected TestServer server;
    private ChromeDriver driver;
    private ChromeDriver noScript;

    /** Variable, value pairs for the server, on top of {@link TestServer}'s defaults. */
    protected String[] serverEnv() {
        return new String[0];
    }

    @BeforeAll
    void startServer() throws Exception {
        requireChromium();
        server = TestServer.start(serverEnv());
    }

    @AfterAll
    void stopAll() throws Exception {
        for (WebDriver d : new WebDriver[] {driver, noScript}) {
            if (d != null) {
                d.quit();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void signedOut() {
        for (WebDriver d : new WebDriver[] {driver, noScript}) {
            if (d != null) {
                d.manage().deleteAllCookies();
            }
        }
    }

    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String reason = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian: apt-get install chromium chromium-driver; scripts/test installs them)";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason + "; under CI they must run");
        }
        Assumptions.assumeTrue(present, reason);
    }

    /** The browser, JavaScript on. */
    protected ChromeDriver driver() {
        if (driver == null) {
            driver = start(true);
        }
        return driver;
    }

    /** A second browser with JavaScript off (its own cookies). */
    protected ChromeDriver noScriptDriver() {
        if (noScript == null) {
            noScript = start(false);
        }
        return noScript;
    }

    private static ChromeDriver start(boolean javascript) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT, "--force-device-scale-factor=1",
                "--hide-scrollbars", "--lang=en-US", "--no-first-run", "--disable-extensions",
                "--password-store=basic", "--disable-features=Translate,PasswordLeakDetection,AutofillServerCommunication");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("credentials_enable_service", false);
        prefs.put("profile.password_manager_enabled", false);
        prefs.put("profile.password_manager_leak_detection", false);
        if (!javascript) {
            prefs.put("profile.managed_default_content_settings.javascript", 2);
        }
        options.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver started = new ChromeDriver(service, options);
        started.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(10));
        return started;
    }

    /** {@code http://127.0.0.1:<port>} + {@code path}. */
    protected String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** Opens {@code path} in the browser. */
    protected ChromeDriver open(String path) {
        driver().get(url(path));
        return driver();
    }

    /** The path of the browser's current page (no query). */
    protected String currentPath() {
        return java.net.URI.create(driver().getCurrentUrl()).getPath();
    }

    /** Signs in through the sign-in form as {@code username} with {@link TestServer#PASSWORD}. */
    protected void signIn(String username) {
        signIn(driver(), username, TestServer.PASSWORD);
    }

    /** Fills and sends the sign-in form in {@code browser}; returns when the browser has left it. */
    protected void signIn(WebDriver browser, String username, String password) {
        browser.get(url("/sign-in"));
        submitSignIn(browser, username, password);
        waitUntil(browser, d -> !d.getCurrentUrl().contains("/sign-in"));
    }

    /** Fills and sends the sign-in form that is open in {@code browser}, without waiting for success. */
    protected static void submitSignIn(WebDriver browser, String username, String password) {
        WebElement form = browser.findElement(By.id("sign-in"));
        form.findElement(By.name("username")).sendKeys(username);
        form.findElement(By.name("password")).sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /** Clicks "Sign out" in the navigation and waits for the sign-in page. */
    protected void signOut() {
        driver().findElement(By.cssSelector("form.sign-out button")).click();
        waitUntil(driver(), d -> d.getCurrentUrl().contains("/sign-in"));
    }

    /** The flash message on the page, or empty text. */
    protected String flash(WebDriver browser) {
        return browser.findElements(By.cssSelector(".flash")).stream().findFirst().map(WebElement::getText).orElse("");
    }

    /**
     * Waits until {@code condition} holds. An element that goes stale while the condition reads it
     * (the page navigated, or a live part was replaced, between finding and reading it) counts as
     * "not yet", as a missing one does.
     */
    protected static <T> T waitUntil(WebDriver browser, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            try {
                return condition.apply(d);
            } catch (WebDriverException e) {
                // ChromeDriver's other word for a stale element, when the node went with a navigation.
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** Saves the page in the default browser at desktop and phone width (see the class comment). */
    protected void screenshot(String name) {
        screenshot(driver(), name);
    }

    protected void screenshot(ChromeDriver browser, String name) {
        String base = getClass().getSimpleName() + "-" + name;
        shoot(browser, DESKTOP_WIDTH, DESKTOP_HEIGHT, false, SCREENSHOTS.resolve(base + "-desktop.png"));
        shoot(browser, PHONE_WIDTH, PHONE_HEIGHT, true, SCREENSHOTS.resolve(base + "-phone.png"));
    }

    /** The whole page at {@code width}: the viewport is made as tall as the page (up to a bound), then captured. */
    private static void shoot(ChromeDriver browser, int width, int height, boolean mobile, Path file) {
        try {
            browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
            // From the browser, not a script: it works in the browser with JavaScript off too.
            Map<String, Object> metrics = browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Number pageHeight = ((Map<String, Number>) metrics.get("cssContentSize")).get("height");
            int full = Math.min(MAX_SHOT_HEIGHT, Math.max(height, (int) Math.ceil(pageHeight.doubleValue())));
            if (full != height) {
                browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                        Map.of("width", width, "height", full, "deviceScaleFactor", 1, "mobile", mobile));
            }
            Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }
}

package org.rationale.testing;

import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the UI tests with one browser share: a headless {@link Chromium} started once for the test
 * class and quit after it, the application's root URL, and the page scripts, waits and screenshots
 * each of them wrote again. A test class extends it and uses {@link #browser} and {@link #root}.
 */
public abstract class BrowserTest {

    /** The class's browser, started before its first test. */
    protected static WebDriver browser;

    /** The application's root, with its trailing slash. */
    @TestHTTPResource("/")
    protected URL root;

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        Chromium.quit(browser);
        browser = null;
    }

    /** Runs a script on the page (its arguments as {@code arguments[i]}) and returns what it returns. */
    protected static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** A wait of a minute, long enough for a page's round trips on a busy machine. */
    protected static WebDriverWait waiting() {
        return waiting(60);
    }

    protected static WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** The text of the element with this id; empty when there is none. */
    protected static String text(String id) {
        return Page.text(browser, id);
    }

    /** Logs the browser in as the admin the test database is made with. */
    protected void logInAsAdmin() {
        BrowserLogin.logIn(browser, root.toString(), PostgresTestResource.ADMIN, PostgresTestResource.ADMIN_PASSWORD);
    }

    /**
     * Sizes the window so that the page itself is 1280×800, as the documentation's screenshots are
     * (the window adds its own frame).
     */
    protected static void viewport1280x800() {
        browser.manage().window().setSize(new Dimension(1280, 800));
        Object[] inner = ((List<?>) js("return [window.innerWidth, window.innerHeight]")).toArray();
        browser.manage().window().setSize(new Dimension(1280 + 1280 - ((Number) inner[0]).intValue(),
                800 + 800 - ((Number) inner[1]).intValue()));
    }

    /** Writes a screenshot of the page to docs/images, where the documentation shows it. */
    protected static void screenshot(String name) {
        screenshot(Path.of("docs", "images", name));
    }

    /** Writes a screenshot of the page to this file. */
    protected static void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

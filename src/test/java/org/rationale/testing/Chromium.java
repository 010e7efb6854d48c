package org.rationale.testing;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/** A real headless Chromium driven by Debian's chromium-driver, with its own profile. */
public final class Chromium {

    private Chromium() {
    }

    public static WebDriver start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("rationale.test.chromium", "/usr/bin/chromium"));
        try {
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1400,1000",
                    "--user-data-dir=" + Files.createTempDirectory("rationale-chromium"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("rationale.test.chromedriver", "/usr/bin/chromedriver")))
                .build();
        return new ChromeDriver(service, options);
    }

    /** Quits the browsers that were started (null ones are skipped). */
    public static void quit(WebDriver... browsers) {
        for (WebDriver b : browsers) {
            if (b != null) {
                b.quit();
            }
        }
    }
}

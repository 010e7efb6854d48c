package org.rationale.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;

/** Logs a real browser in through the login page, as a person would. */
public final class BrowserLogin {

    private BrowserLogin() {
    }

    /** Logs in (after logging out whoever was in) and waits for the projects page to show the user. */
    public static void logIn(WebDriver browser, String root, String username, String password) {
        browser.manage().deleteAllCookies();
        browser.get(root + "login");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        var user = wait.until(d -> d.findElement(By.cssSelector("#vaadinLoginUsername input")));
        user.sendKeys(username);
        var pw = browser.findElement(By.cssSelector("#vaadinLoginPassword input"));
        pw.sendKeys(password);
        pw.sendKeys(Keys.ENTER);
        wait.until(d -> {
            Object who = ((JavascriptExecutor) d).executeScript(
                    "const e = document.getElementById('current-user'); return e ? e.textContent : null;");
            return who != null && who.toString().startsWith(username + " ");
        });
    }
}

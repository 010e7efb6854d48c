package org.rationale.ui;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.project.Modality;
import org.rationale.project.ProjectService;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.PostgresTestResource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The new-project dialog's choice "Samples are: Images / Table rows" in a real browser: choosing
 * table rows creates a tabular project. The dialog is written to docs/images/new-project-modality.png
 * at 1280×800.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class NewProjectModalityBrowserTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL root;

    @Inject
    ProjectService projects;

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    @Test
    void choosingTableRowsCreatesATabularProject() throws IOException {
        BrowserLogin.logIn(browser, root.toString(), PostgresTestResource.ADMIN, PostgresTestResource.ADMIN_PASSWORD);
        browser.manage().window().setSize(new Dimension(1280, 800));
        List<?> inner = (List<?>) ((JavascriptExecutor) browser).executeScript(
                "return [window.innerWidth, window.innerHeight];");
        browser.manage().window().setSize(new Dimension(1280 + 1280 - ((Number) inner.get(0)).intValue(),
                800 + 800 - ((Number) inner.get(1)).intValue()));
        browser.get(root.toString());
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("new-project"))).click();
        WebElement name = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("vaadin-dialog-overlay vaadin-text-field input")));
        name.sendKeys("Loan approvals");
        browser.findElement(By.cssSelector("vaadin-dialog-overlay vaadin-text-area textarea"))
                .sendKeys("Credit decisions from the branch table; check that the model does not lean on the postcode.");
        String choice = "return [...document.querySelectorAll('#project-modality vaadin-radio-button')]"
                + ".find(b => b.textContent.includes('Table rows'))";
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript(
                "return !!customElements.get('vaadin-radio-button');"),
                "the frontend bundle defines vaadin-radio-button (else the choice shows as bare text)");
        WebElement rows = waiting().until(d -> (WebElement) ((JavascriptExecutor) d).executeScript(choice + ";"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].click();", rows);
        waiting().until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(choice + ".checked;")));
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(1280, shot.getWidth());
        assertEquals(800, shot.getHeight());
        Path out = Path.of("docs", "images", "new-project-modality.png");
        Files.createDirectories(out.getParent());
        Files.write(out, png);

        waiting().until(d -> {
            for (WebElement b : d.findElements(By.cssSelector("vaadin-dialog-overlay vaadin-button"))) {
                if (b.getText().equals("Create")) {
                    b.click();
                    return true;
                }
            }
            return false;
        });
        waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".project-card[data-project='Loan approvals']")));
        assertEquals(Modality.TABULAR, projects.findByName("Loan approvals").orElseThrow().modality);
        assertTrue(browser.findElements(By.cssSelector("vaadin-dialog-overlay[opened]")).isEmpty());
    }
}

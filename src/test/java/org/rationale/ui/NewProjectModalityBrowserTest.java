package org.rationale.ui;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.rationale.project.Modality;
import org.rationale.project.ProjectService;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.PostgresTestResource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The new-project dialog's choice "Samples are: Images / Table rows" in a real browser: choosing
 * table rows creates a tabular project. The dialog is written to docs/images/new-project-modality.png
 * at 1280×800.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class NewProjectModalityBrowserTest extends BrowserTest {

    @Inject
    ProjectService projects;

    @Test
    void choosingTableRowsCreatesATabularProject() throws IOException {
        logInAsAdmin();
        viewport1280x800();
        browser.get(root.toString());
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("new-project"))).click();
        WebElement name = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("vaadin-dialog-overlay vaadin-text-field input")));
        name.sendKeys("Loan approvals");
        browser.findElement(By.cssSelector("vaadin-dialog-overlay vaadin-text-area textarea"))
                .sendKeys("Credit decisions from the branch table; check that the model does not lean on the postcode.");
        String choice = "return [...document.querySelectorAll('#project-modality vaadin-radio-button')]"
                + ".find(b => b.textContent.includes('Table rows'))";
        assertEquals(Boolean.TRUE, js("return !!customElements.get('vaadin-radio-button');"),
                "the frontend bundle defines vaadin-radio-button (else the choice shows as bare text)");
        WebElement rows = waiting().until(d -> (WebElement) js(choice + ";"));
        js("arguments[0].click();", rows);
        waiting().until(d -> Boolean.TRUE.equals(js(choice + ".checked;")));
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
        // its card's next step asks for a table, not for images
        String step = waiting().until(d -> {
            String t = d.findElement(By.cssSelector(".project-card[data-project='Loan approvals'] .next-step")).getText();
            return t.contains("no rows yet") ? t : null;
        });
        assertTrue(step.contains("Import a CSV table") && step.contains("Import a table") && !step.contains("image"), step);
        js("arguments[0].scrollIntoView({block: 'center'});",
                browser.findElement(By.cssSelector(".project-card[data-project='Loan approvals']")));
        screenshot("project-card-rows.png");
        assertTrue(browser.findElements(By.cssSelector("vaadin-dialog-overlay[opened]")).isEmpty());
    }
}

package org.rationale.ui.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import page of a tabular project in a real browser: the breast-cancer demo's training table
 * is uploaded, its label column taken from its header, checked (rows, classes, typed columns) and
 * imported; the sample browser then lists its rows as a table, and a row opens with all its values.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularImportBrowserTest {

    private static final Path TRAIN = Path.of("src/main/resources/demo/breast-cancer-site/train.csv");

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start();
        // a viewport of 1280×800, as the documentation's screenshots are: the window adds its own frame
        browser.manage().window().setSize(new Dimension(1280, 800));
        Object[] inner = ((List<?>) js("return [window.innerWidth, window.innerHeight]")).toArray();
        browser.manage().window().setSize(new Dimension(1280 + 1280 - ((Number) inner[0]).intValue(),
                800 + 800 - ((Number) inner[1]).intValue()));
    }

    @AfterAll
    static void stopBrowser() {
        Chromium.quit(browser);
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(90));
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static String text(String id) {
        return Page.text(browser, id);
    }

    private static void screenshot(String name) {
        try {
            Path shot = Path.of("docs", "images", name);
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aCsvTableIsCheckedWithItsLabelColumnImportedAndBrowsedAsRows() {
        BrowserLogin.logIn(browser, root.toString(), PostgresTestResource.ADMIN, PostgresTestResource.ADMIN_PASSWORD);
        long p = given().contentType(ContentType.JSON)
                .body(Map.of("name", "Breast cancer " + UUID.randomUUID().toString().substring(0, 8), "modality", "tabular"))
                .post("/api/projects").then().statusCode(201).extract().jsonPath().getLong("id");

        browser.get(root + "projects/" + p + "/import");
        waiting().until(d -> !d.findElements(By.id("import-kind")).isEmpty());
        assertTrue(text("import-help").contains("A CSV table"), text("import-help"));
        assertTrue(text("import-kind").contains("A CSV table"), text("import-kind"));
        WebElement upload = waiting().until(d -> d.findElement(By.id("table-upload")));
        upload.getShadowRoot().findElement(By.cssSelector("input[type=file]")).sendKeys(TRAIN.toAbsolutePath().toString());

        // the label column is taken from the header ('diagnosis'), no id column; the check shows rows and columns
        waiting().until(d -> text("preview-summary").startsWith("400 samples in 2 classes"));
        assertEquals("diagnosis", js("return document.querySelector('#import-label-column vaadin-select-value-button')"
                + ".textContent.trim()"));
        assertEquals("train", js("return document.querySelector('#import-name input').value"));
        @SuppressWarnings("unchecked")
        List<String> columns = (List<String>) js("return [...document.querySelectorAll('#preview-columns .class-row')]"
                + ".map(r => r.getAttribute('data-column'))");
        assertEquals(31, columns.size(), columns.toString());
        assertTrue(text("preview-columns").contains("categorical"), text("preview-columns"));
        waiting().until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        assertEquals("Import 400 samples into train", text("import-button").strip());
        js("document.querySelector('#preview-columns [data-column=site]').scrollIntoView({block: 'end'})");
        screenshot("import-table.png");

        Page.click(browser, "import-button");
        waiting().until(d -> text("import-done").contains("Imported 'train': 400 samples into train"));
        assertEquals(400, Api.sampleCount(p));
        assertEquals(31, given().get("/api/projects/" + p + "/datasets").then().statusCode(200)
                .extract().jsonPath().getInt("[0].columnCount"));

        // the rows as a table of their first columns; a row opens with every value
        Page.click(browser, "browse-imported");
        waiting().until(d -> text("result-summary").startsWith("400 samples"));
        assertTrue(text("result-summary").contains("the first 8 of 31 feature columns"), text("result-summary"));
        waiting().until(d -> (Boolean) js("const g = document.getElementById('sample-rows');"
                + " return g && [...g.querySelectorAll('vaadin-grid-cell-content')].some(c => c.textContent === 'mean_radius');"));
        screenshot("samples-table.png");
        js("const g = document.getElementById('sample-rows');"
                + " const cell = [...g.querySelectorAll('vaadin-grid-cell-content')].find(c => c.textContent.startsWith('row '));"
                + " cell.click();");
        waiting().until(d -> !d.findElements(By.id("row-values")).isEmpty());
        String values = text("row-values");
        assertTrue(values.contains("site") && values.contains("worst_fractal_dimension"), values);
    }
}

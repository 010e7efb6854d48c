package org.rationale.ui.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
class TabularImportBrowserTest extends BrowserTest {

    private static final Path TRAIN = TabularProjects.DEMO.resolve("train.csv");

    @BeforeAll
    static void viewport() {
        viewport1280x800();
    }

    @Test
    void aCsvTableIsCheckedWithItsLabelColumnImportedAndBrowsedAsRows() {
        logInAsAdmin();
        long p = TabularProjects.create("Breast cancer");
        // five of its rows already sit in the test split: the import warns that they are in both
        List<String> lines;
        try {
            lines = Files.readAllLines(TRAIN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        given().multiPart("table", "slice.csv", String.join("\n", lines.subList(0, 6)).getBytes(StandardCharsets.UTF_8),
                        "text/csv").multiPart("label", "diagnosis").multiPart("name", "slice").multiPart("split", "test")
                .post("/api/projects/" + p + "/datasets").then().statusCode(201);

        browser.get(root + "projects/" + p + "/import");
        waiting(90).until(d -> !d.findElements(By.id("import-kind")).isEmpty());
        assertTrue(text("import-help").contains("A CSV table"), text("import-help"));
        assertTrue(text("import-kind").contains("A CSV table"), text("import-kind"));
        WebElement upload = waiting(90).until(d -> d.findElement(By.id("table-upload")));
        upload.getShadowRoot().findElement(By.cssSelector("input[type=file]")).sendKeys(TRAIN.toAbsolutePath().toString());

        // the label column is taken from the header ('diagnosis'), no id column; the check shows rows and columns
        waiting(90).until(d -> text("preview-summary").startsWith("400 samples in 2 classes"));
        assertEquals("diagnosis", js("return document.querySelector('#import-label-column vaadin-select-value-button')"
                + ".textContent.trim()"));
        assertEquals("train", js("return document.querySelector('#import-name input').value"));
        @SuppressWarnings("unchecked")
        List<String> columns = (List<String>) js("return [...document.querySelectorAll('#preview-columns .class-row')]"
                + ".map(r => r.getAttribute('data-column'))");
        assertEquals(31, columns.size(), columns.toString());
        assertTrue(text("preview-columns").contains("categorical"), text("preview-columns"));
        waiting(90).until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        assertEquals("Import 400 samples into train", text("import-button").strip());
        js("document.querySelector('#preview-columns [data-column=site]').scrollIntoView({block: 'end'})");
        screenshot("import-table.png");

        Page.click(browser, "import-button");
        waiting(90).until(d -> text("import-done").contains("Imported 'train': 400 samples into train"));
        assertEquals(405, Api.sampleCount(p));
        assertEquals("Warning: 5 of 400 rows have the feature values of a row of 'slice' (test) (first: row 2 of this "
                + "table; the same case, or chance with few features): a case in both train and test lets a model be "
                + "measured on what it has learnt from.", text("import-warnings"));
        assertEquals(31, given().get("/api/projects/" + p + "/datasets").then().statusCode(200)
                .extract().jsonPath().getInt("[1].columnCount"));

        // the rows as a table of their first columns; a row opens with every value
        Page.click(browser, "browse-imported");
        waiting(90).until(d -> text("result-summary").startsWith("400 samples"));
        assertTrue(text("result-summary").contains("the first 8 of 31 feature columns"), text("result-summary"));
        waiting(90).until(d -> (Boolean) js("const g = document.getElementById('sample-rows');"
                + " return g && [...g.querySelectorAll('vaadin-grid-cell-content')].some(c => c.textContent === 'mean_radius');"));
        screenshot("samples-table.png");
        js("const g = document.getElementById('sample-rows');"
                + " const cell = [...g.querySelectorAll('vaadin-grid-cell-content')].find(c => c.textContent.startsWith('row '));"
                + " cell.click();");
        waiting(90).until(d -> !d.findElements(By.id("row-values")).isEmpty());
        String values = text("row-values");
        assertTrue(values.contains("site") && values.contains("worst_fractal_dimension"), values);
    }
}

package org.rationale.testing;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/** Reads and clicks elements of a Vaadin page by id, through the page's own script (shadow DOM safe). */
public final class Page {

    private Page() {
    }

    /** The text of the element with this id; empty when there is none. */
    public static String text(WebDriver b, String id) {
        Object t = ((JavascriptExecutor) b).executeScript(
                "const e = document.getElementById('" + id + "'); return e ? e.textContent : '';");
        return t == null ? "" : t.toString();
    }

    public static void click(WebDriver b, String id) {
        ((JavascriptExecutor) b).executeScript("document.getElementById('" + id + "').click();");
    }
}

package org.rationale.testing;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Presses a download button of a Vaadin page and takes the file the page then hands the browser: the
 * page follows a hidden {@code <a download>} link, which is caught here (no file lands on disk) and
 * fetched with the page's own login, once, as the browser would.
 *
 * @param status the HTTP status of the fetch
 * @param type its Content-Type
 * @param disposition its Content-Disposition
 * @param name the last segment of the link
 * @param download whether the link carries the {@code download} attribute
 * @param href the link
 * @param bytes the body
 */
public record BrowserDownload(int status, String type, String disposition, String name, boolean download,
                              String href, byte[] bytes) {

    /** The body as text (UTF-8). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Clicks the button with this id and fetches the link the page follows afterwards. */
    @SuppressWarnings("unchecked")
    public static BrowserDownload press(WebDriver b, String buttonId, Duration timeout) {
        JavascriptExecutor js = (JavascriptExecutor) b;
        js.executeScript("if (!window.rationaleDownloads) {"
                + "  window.rationaleDownloads = [];"
                + "  const follow = HTMLAnchorElement.prototype.click;"
                + "  HTMLAnchorElement.prototype.click = function () {"
                + "    if (this.hasAttribute('download')) {"
                + "      window.rationaleDownloads.push({href: this.href, download: true});"
                + "    } else { follow.call(this); }"
                + "  };"
                + "}");
        long before = ((Number) js.executeScript("return window.rationaleDownloads.length;")).longValue();
        Page.click(b, buttonId);
        new WebDriverWait(b, timeout).until(d -> ((Number) ((JavascriptExecutor) d)
                .executeScript("return window.rationaleDownloads.length;")).longValue() > before);
        Map<String, Object> got = (Map<String, Object>) js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const a = window.rationaleDownloads[window.rationaleDownloads.length - 1];"
                        + "fetch(a.href).then(r => r.blob().then(blob => {"
                        + "  const reader = new FileReader();"
                        + "  reader.onload = () => done({status: r.status, type: r.headers.get('content-type'),"
                        + "    disposition: r.headers.get('content-disposition'), href: a.href, download: a.download,"
                        + "    name: decodeURIComponent(a.href.substring(a.href.lastIndexOf('/') + 1)),"
                        + "    base64: reader.result.substring(reader.result.indexOf(',') + 1)});"
                        + "  reader.readAsDataURL(blob);"
                        + "})).catch(e => done({status: -1, error: String(e)}));");
        assertEquals(200L, ((Number) got.get("status")).longValue(), "download after " + buttonId + ": " + got.get("error"));
        return new BrowserDownload(((Number) got.get("status")).intValue(), String.valueOf(got.get("type")),
                String.valueOf(got.get("disposition")), String.valueOf(got.get("name")),
                Boolean.TRUE.equals(got.get("download")), String.valueOf(got.get("href")),
                Base64.getDecoder().decode(String.valueOf(got.get("base64"))));
    }

    /** Fetches a link again with the page's login and answers the status. */
    public static int statusOf(WebDriver b, String href) {
        Object s = ((JavascriptExecutor) b).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0]).then(r => done(r.status)).catch(e => done(-1));", href);
        return ((Number) s).intValue();
    }
}

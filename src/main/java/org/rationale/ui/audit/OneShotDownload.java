package org.rationale.ui.audit;

import com.vaadin.flow.server.streams.DownloadEvent;
import com.vaadin.flow.server.streams.DownloadHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves a file that a button click already made (and recorded) exactly once: the browser's GET only
 * reads what is there, and a second GET is a 410 that says to make the file again. {@link #discard()}
 * releases a file nobody fetched.
 */
final class OneShotDownload implements DownloadHandler {

    /** The made file: its bytes, opened when served and closed after. */
    interface Content {
        InputStream open() throws IOException;

        /** Releases the file without serving it. */
        default void discard() {
        }
    }

    private final transient AtomicReference<Content> content;
    private final String filename;
    private final String contentType;
    private final long length;

    OneShotDownload(Content content, String filename, String contentType, long length) {
        this.content = new AtomicReference<>(content);
        this.filename = filename;
        this.contentType = contentType;
        this.length = length;
    }

    @Override
    public String getUrlPostfix() {
        return filename;
    }

    @Override
    public void handleDownloadRequest(DownloadEvent event) throws IOException {
        Content c = content.getAndSet(null);
        if (c == null) {
            event.getResponse().setStatus(410);
            event.setContentType("text/plain; charset=utf-8");
            event.getOutputStream().write(("This download was served already; make it again on the report page.")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        event.setFileName(filename);
        event.setContentType(contentType);
        event.setContentLength(length);
        try (InputStream in = c.open(); OutputStream out = event.getOutputStream()) {
            in.transferTo(out);
        }
    }

    /** Drops the file if it was not served. */
    void discard() {
        Content c = content.getAndSet(null);
        if (c != null) {
            c.discard();
        }
    }
}

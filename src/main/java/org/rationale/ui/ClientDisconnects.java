package org.rationale.ui;

import java.io.EOFException;
import com.vaadin.flow.server.DefaultErrorHandler;
import com.vaadin.flow.server.ErrorEvent;
import org.jboss.logging.Logger;

/**
 * The UI's error handler: a browser that goes away mid-response (tab closed, page left) is normal
 * and logged at debug level; every other error goes to Vaadin's default handler as before.
 */
final class ClientDisconnects extends DefaultErrorHandler {

    private static final Logger LOG = Logger.getLogger(ClientDisconnects.class);

    @Override
    public void error(ErrorEvent event) {
        for (Throwable t = event.getThrowable(); t != null; t = t.getCause()) {
            if (t.getClass().getName().equals("io.vertx.core.http.HttpClosedException")
                    || t instanceof EOFException) {
                LOG.debugf("A browser went away mid-response: %s", t.getMessage());
                return;
            }
        }
        super.error(event);
    }
}

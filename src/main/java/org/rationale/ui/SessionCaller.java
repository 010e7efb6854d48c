package org.rationale.ui;

import com.vaadin.flow.server.VaadinSession;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.security.Caller;
import org.rationale.security.CallerSource;

import java.util.Optional;

/** The caller of the current Vaadin session, as {@link SecuredNavigation} keeps it at each page load. */
@ApplicationScoped
public class SessionCaller implements CallerSource {

    /** The VaadinSession attribute holding the {@link Caller} of a UI session. */
    static final String ATTRIBUTE = "rationale.caller";

    @Override
    public Optional<Caller> current() {
        VaadinSession session = VaadinSession.getCurrent();
        if (session != null && session.getAttribute(ATTRIBUTE) instanceof Caller c) {
            return Optional.of(c);
        }
        return Optional.empty();
    }
}

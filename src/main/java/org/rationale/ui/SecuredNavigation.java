package org.rationale.ui;

import jakarta.enterprise.event.TransactionPhase;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.rationale.security.AccountChanged;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.auth.NavigationAccessControl;
import io.quarkus.arc.Arc;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.rationale.security.Caller;
import org.rationale.security.Role;

import java.security.Principal;
import java.util.function.Predicate;

/**
 * Views are closed unless annotated ({@code @AnonymousAllowed}, {@code @PermitAll},
 * {@code @RolesAllowed}). Each page load reads who the login cookie names and keeps that
 * {@link Caller} in the Vaadin session, so checks during server round trips and push (which carry
 * no usable HTTP identity) see the same user; someone not logged in is sent to the login page.
 */
@ApplicationScoped
public class SecuredNavigation {

    /** Open UI sessions by user, so a change to an account reaches the sessions of that user at once. */
    private static final Map<String, Set<VaadinSession>> SESSIONS = new ConcurrentHashMap<>();

    /**
     * A user's role, password or enabled flag changed: their open sessions forget who they were and
     * reload, so the next page load reads the account as it is now (a disabled user lands on the login page).
     */
    void onAccountChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS)
                          AccountChanged change) {
        Set<VaadinSession> sessions = SESSIONS.remove(change.username());
        if (sessions == null) {
            return;
        }
        for (VaadinSession s : sessions) {
            s.access(() -> {
                s.setAttribute(SessionCaller.ATTRIBUTE, null);
                s.getUIs().forEach(ui -> ui.getPage().reload());
            });
        }
    }

    void onServiceInit(@Observes ServiceInitEvent event) {
        event.getSource().addSessionInitListener(e -> e.getSession().setErrorHandler(new ClientDisconnects()));
        NavigationAccessControl control = new SessionNavigationAccessControl();
        control.setLoginView(LoginView.class);
        event.getSource().addUIInitListener(ui -> {
            refreshCaller(ui.getUI().getSession());
            ui.getUI().addBeforeEnterListener(control);
        });
    }

    /** Reads the identity of the current HTTP request into the session (or clears it). */
    static void refreshCaller(VaadinSession session) {
        SecurityIdentity id = null;
        if (Arc.container().requestContext().isActive()) {
            id = Arc.container().instance(CurrentIdentityAssociation.class).get().getIdentity();
        }
        if (id == null || id.isAnonymous()) {
            session.setAttribute(SessionCaller.ATTRIBUTE, null);
        } else {
            Caller c = new Caller(id.getPrincipal().getName(),
                    id.getRoles().stream().findFirst().flatMap(Role::of).orElse(null));
            session.setAttribute(SessionCaller.ATTRIBUTE, c);
            SESSIONS.computeIfAbsent(c.username(), u -> Collections.newSetFromMap(new WeakHashMap<>()))
                    .add(session);
        }
    }

    private static final class SessionNavigationAccessControl extends NavigationAccessControl {

        @Override
        protected Principal getPrincipal(VaadinRequest request) {
            Caller c = caller();
            return c == null ? null : c::username;
        }

        @Override
        protected Predicate<String> getRolesChecker(VaadinRequest request) {
            Caller c = caller();
            return role -> c != null && c.role() != null && c.role().value().equals(role);
        }

        private static Caller caller() {
            VaadinSession s = VaadinSession.getCurrent();
            return s == null ? null : (Caller) s.getAttribute(SessionCaller.ATTRIBUTE);
        }
    }
}

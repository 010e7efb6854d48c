package org.rationale.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The login form's encrypted cookie names a user who logged in earlier: this provider lets the
 * request in only while the server-side login that came with it ({@link LoginSessions}, cookie
 * {@value LoginSessions#COOKIE}) still exists and belongs to that user, and gives the identity the
 * user's current role. Logged out, a new password, a disabled or deleted user: refused, and the
 * browser is told to drop both cookies — Quarkus keeps a refused login cookie, and every page (the
 * login page too) would send the browser back to the login page with it, round and round.
 */
@ApplicationScoped
public class TrustedIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    private final LoginSessions sessions;

    TrustedIdentityProvider(LoginSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        String username = request.getPrincipal();
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        Cookie cookie = rc == null ? null : rc.request().getCookie(LoginSessions.COOKIE);
        String token = cookie == null ? null : cookie.getValue();
        return context.runBlocking(() -> sessions.holder(token)
                .filter(h -> h.username().equals(username))
                .map(h -> AccountIdentityProvider.identity(h.username(), h.role()))
                .orElseThrow(() -> {
                    if (rc != null && !rc.response().headWritten()) {
                        sessions.forgetInBrowser(rc);
                    }
                    return new AuthenticationFailedException(
                            "The login ended: logged out, a new password, or the account is disabled or gone");
                }));
    }
}

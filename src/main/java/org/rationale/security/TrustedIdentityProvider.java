package org.rationale.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The login form's encrypted cookie names a user who logged in earlier: this provider turns that
 * name into an identity with the user's current role, and refuses users who were disabled or
 * deleted since. Looked up at most every five seconds per user (every UI request carries the cookie).
 */
@ApplicationScoped
public class TrustedIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    private static final long TTL_NANOS = 5_000_000_000L;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    @Inject
    AccountService accounts;

    private record Cached(String role, long until) {
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        String username = request.getPrincipal();
        return context.runBlocking(() -> AccountIdentityProvider.identity(username, role(username)));
    }

    private String role(String username) {
        Cached c = CACHE.get(username);
        if (c != null && c.until() > System.nanoTime()) {
            return c.role();
        }
        var creds = accounts.credentials(username).orElse(null);
        if (creds == null || !creds.enabled()) {
            CACHE.remove(username);
            throw new AuthenticationFailedException("The account is disabled or gone");
        }
        CACHE.put(username, new Cached(creds.role(), System.nanoTime() + TTL_NANOS));
        return creds.role();
    }

    static void forgetAll() {
        CACHE.clear();
    }
}

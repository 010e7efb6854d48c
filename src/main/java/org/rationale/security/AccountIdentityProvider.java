package org.rationale.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a username and password (HTTP Basic, the login form) against the bcrypt hash stored for
 * the user. A bcrypt check costs tens of milliseconds, too much for every API call of a script, so
 * a successful check is remembered for a minute (keyed by a SHA-256 of the password, never the
 * password); changing a user's password, role or enabled flag forgets it at once.
 */
@ApplicationScoped
public class AccountIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private static final long TTL_NANOS = 60_000_000_000L;

    @Inject
    AccountService accounts;
    @Inject
    org.rationale.config.RationaleConfig config;

    /** Wrong passwords in a row per username and when the last one came. */
    private record Failures(int count, long lastNanos) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Verified(String passwordDigest, String role, long until) {
    }

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String username = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        return context.runBlocking(() -> identity(username, check(username, password)));
    }

    /** The user's role when the password is right and the user may log in; else an authentication failure. */
    String check(String username, String password) {
        Failures f = failures.get(username);
        long lockout = config.login().lockout().toNanos();
        if (f != null && f.count() >= config.login().maxFailures() && System.nanoTime() - f.lastNanos() < lockout) {
            // no bcrypt while locked: guessing costs the guesser time, not the server CPU
            throw new AuthenticationFailedException("Too many wrong passwords for this username; wait and try again");
        }
        String digest = digest(password);
        Verified v = verified.get(username);
        if (v != null && v.until() > System.nanoTime() && MessageDigest.isEqual(v.passwordDigest().getBytes(),
                digest.getBytes())) {
            return v.role();
        }
        var c = accounts.credentials(username).orElse(null);
        if (c == null || !c.enabled() || c.passwordHash() == null || !BcryptUtil.matches(password, c.passwordHash())) {
            failures.merge(username, new Failures(1, System.nanoTime()), (a, b) ->
                    new Failures(System.nanoTime() - a.lastNanos() < lockout ? a.count() + 1 : 1, System.nanoTime()));
            throw new AuthenticationFailedException("Wrong username or password, or the account is disabled");
        }
        failures.remove(username);
        verified.put(username, new Verified(digest, c.role(), System.nanoTime() + TTL_NANOS));
        return c.role();
    }

    /** Forgets remembered checks of a user (after a change of password, role or enabled flag). */
    public void forget(String username) {
        verified.remove(username);
        TrustedIdentityProvider.forgetAll();
    }

    static SecurityIdentity identity(String username, String role) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username)).addRole(role).build();
    }

    private static String digest(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

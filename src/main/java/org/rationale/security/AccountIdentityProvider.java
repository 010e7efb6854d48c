package org.rationale.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.rationale.config.RationaleConfig;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Checks a username and password (HTTP Basic, the login form) against the bcrypt hash stored for
 * the user. An unknown, disabled or password-less user is checked against a dummy hash of the same
 * cost, so the time of a refusal does not tell whether a username exists.
 * <p>
 * Password guessing: after {@code rationale.login.max-failures} wrong passwords in a row for one
 * username <em>from one client address</em> (an IPv6 address counts with its /64), that address may
 * not try that username for {@code rationale.login.lockout}, without a bcrypt check. Other addresses
 * still may, so a stranger cannot lock a user out. The remembered failures are a bounded, expiring
 * table ({@code rationale.login.max-tracked-failures}); usernames and passwords longer than
 * {@value #LONGEST_USERNAME} and {@value #LONGEST_PASSWORD} characters are refused before they reach it.
 * <p>
 * A bcrypt check costs tens of milliseconds, too much for every API call of a script, so a successful
 * check is remembered for a minute (keyed by a SHA-256 of the password, never the password); changing
 * a user's password, role or enabled flag forgets it at once. A successful login through the form
 * also starts a server-side login ({@link LoginSessions}).
 */
@ApplicationScoped
public class AccountIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** Longest username accepted at login (valid ones have at most 40 characters). */
    static final int LONGEST_USERNAME = 64;
    /** Longest password accepted at login (valid ones have at most 72 characters). */
    static final int LONGEST_PASSWORD = 128;
    private static final Duration REMEMBER_CHECK = Duration.ofMinutes(1);

    @Inject
    AccountService accounts;
    @Inject
    RationaleConfig config;
    @Inject
    LoginSessions sessions;
    @ConfigProperty(name = "quarkus.http.auth.form.post-location", defaultValue = "/j_security_check")
    String formPostLocation;

    /** Wrong passwords in a row for one (username, address) and when the last one came. */
    private record Failures(int count, long lastNanos) {
    }

    private record Verified(String passwordDigest, Role role) {
    }

    private Cache<String, Failures> failures;
    private Cache<String, Verified> verified;
    private String dummyHash;

    @PostConstruct
    void init() {
        failures = Caffeine.newBuilder().maximumSize(config.login().maxTrackedFailures())
                .expireAfterWrite(config.login().lockout()).build();
        verified = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(REMEMBER_CHECK).build();
        dummyHash = BcryptUtil.bcryptHash(AccountService.generatedPassword());
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String username = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = clientAddress(rc);
        boolean formLogin = rc != null && rc.request().method() == HttpMethod.POST
                && rc.normalizedPath().endsWith(formPostLocation);
        return context.runBlocking(() -> {
            Role role = check(username, password, address);
            if (formLogin) {
                rc.response().addCookie(LoginSessions.cookie(sessions.open(username), rc.request().isSSL()));
            }
            return identity(username, role);
        });
    }

    /**
     * The user's role when the password is right and the user may log in; else an authentication
     * failure. {@code address} is the client's (see {@link #clientAddress}).
     */
    Role check(String username, String password, String address) {
        if (username.length() > LONGEST_USERNAME || password.length() > LONGEST_PASSWORD) {
            throw new AuthenticationFailedException("Username or password too long");
        }
        String key = username + '\n' + address;
        long lockout = config.login().lockout().toNanos();
        Failures f = failures.getIfPresent(key);
        if (f != null && f.count() >= config.login().maxFailures() && System.nanoTime() - f.lastNanos() < lockout) {
            // no bcrypt while locked: guessing costs the guesser time, not the server CPU
            throw new AuthenticationFailedException("Too many wrong passwords for this username from this address; "
                    + "wait and try again");
        }
        String digest = digest(password);
        Verified v = verified.getIfPresent(username);
        if (v != null && MessageDigest.isEqual(v.passwordDigest().getBytes(StandardCharsets.US_ASCII),
                digest.getBytes(StandardCharsets.US_ASCII))) {
            return v.role();
        }
        var c = AccountService.isPossibleUsername(username) ? accounts.credentials(username).orElse(null) : null;
        boolean usable = c != null && c.enabled() && c.passwordHash() != null;
        // the same bcrypt work whether or not the user exists
        boolean matches = BcryptUtil.matches(password, usable ? c.passwordHash() : dummyHash);
        if (!usable || !matches) {
            long now = System.nanoTime();
            failures.asMap().merge(key, new Failures(1, now), (a, b) ->
                    new Failures(now - a.lastNanos() < lockout ? a.count() + 1 : 1, now));
            throw new AuthenticationFailedException("Wrong username or password, or the account is disabled");
        }
        failures.invalidate(key);
        verified.put(username, new Verified(digest, c.role()));
        return c.role();
    }

    /** How many (username, address) pairs have failures remembered now. */
    long trackedFailures() {
        failures.cleanUp();
        return failures.estimatedSize();
    }

    /** Forgets remembered checks of a user (after a change of password, role or enabled flag). */
    public void forget(String username) {
        verified.invalidate(username);
        sessions.forgetRecent();
    }

    /**
     * The client address that password guessing is counted against: the peer of the connection (or
     * what {@code quarkus.http.proxy.*} makes of forwarded headers, when configured to trust a proxy);
     * an IPv6 address stands for its /64, which one client usually holds whole.
     */
    static String clientAddress(RoutingContext rc) {
        if (rc == null || rc.request().remoteAddress() == null || rc.request().remoteAddress().hostAddress() == null) {
            return "unknown";
        }
        return addressKey(rc.request().remoteAddress().hostAddress());
    }

    static String addressKey(String host) {
        if (host.indexOf(':') < 0) {
            return host;
        }
        try {
            InetAddress a = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            if (a instanceof Inet6Address) {
                return HexFormat.of().formatHex(Arrays.copyOf(a.getAddress(), 8)) + "::/64";
            }
            return a.getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    /** The identity of a user; Quarkus security knows the role by its lower-case name. */
    static SecurityIdentity identity(String username, Role role) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username)).addRole(role.value()).build();
    }

    private static String digest(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.rationale.security;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.vertx.ext.web.RoutingContext;
import org.rationale.database.Owns;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.config.RationaleConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Logins made through the login form, kept on the server. Quarkus's login cookie only says "this
 * user, until then", so it cannot be taken back; next to it the browser gets a random token
 * (cookie {@value #COOKIE}) whose hash is a row of {@code login_sessions}. A request that comes
 * with the login cookie is let in only while that row exists: logging out deletes it, a new
 * password or disabling the user deletes all of the user's rows. A user keeps at most
 * {@value #PER_USER} logins (the oldest end first), and none lives longer than
 * {@code rationale.login.session-lifetime}.
 */
@ApplicationScoped
@Owns("login_sessions")
public class LoginSessions {

    /** Name of the cookie that carries the token. */
    public static final String COOKIE = "rationale-session";
    static final int PER_USER = 20;
    private static final int LONGEST_TOKEN = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Whose login a token is, and the user's role. */
    record Holder(String username, Role role) {
    }

    private final EntityManager em;
    private final Duration lifetime;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name",
            defaultValue = "quarkus-credential")
    String loginCookie;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-path", defaultValue = "/")
    String loginCookiePath;
    /** Tokens looked up in the last seconds (every UI request carries one); forgotten at once on a change. */
    private final Cache<String, Holder> recent = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(5)).build();

    LoginSessions(EntityManager em, RationaleConfig config) {
        this.em = em;
        this.lifetime = config.login().sessionLifetime();
    }

    /** Starts a login of the user and returns its token (for the cookie). */
    @Transactional
    public String open(String username) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        em.createNativeQuery("delete from login_sessions where created_at < ?1")
                .setParameter(1, OffsetDateTime.now().minus(lifetime)).executeUpdate();
        int added = em.createNativeQuery("insert into login_sessions (token_hash, user_id) select ?1, id from users where username = ?2")
                .setParameter(1, hash(token)).setParameter(2, username).executeUpdate();
        if (added == 0) {
            throw new IllegalStateException("No user " + username);
        }
        em.createNativeQuery("delete from login_sessions where user_id = (select id from users where username = ?1) "
                        + "and token_hash not in (select s.token_hash from login_sessions s join users u on u.id = s.user_id "
                        + "where u.username = ?1 order by s.created_at desc limit " + PER_USER + ")")
                .setParameter(1, username).executeUpdate();
        return token;
    }

    /** The enabled user whose login the token is; empty for an unknown, ended or expired login. */
    @Transactional
    public Optional<Holder> holder(String token) {
        if (token == null || token.isEmpty() || token.length() > LONGEST_TOKEN) {
            return Optional.empty();
        }
        String hash = hash(token);
        Holder known = recent.getIfPresent(hash);
        if (known != null) {
            return Optional.of(known);
        }
        List<?> rows = em.createNativeQuery("select u.username, u.role, u.enabled from login_sessions s "
                        + "join users u on u.id = s.user_id where s.token_hash = ?1 and s.created_at >= ?2", Tuple.class)
                .setParameter(1, hash).setParameter(2, OffsetDateTime.now().minus(lifetime)).getResultList();
        Tuple row = rows.isEmpty() ? null : (Tuple) rows.get(0);
        if (row == null || !Boolean.TRUE.equals(row.get("enabled"))) {
            return Optional.empty();
        }
        Optional<Role> role = Role.of(row.get("role", String.class));
        if (role.isEmpty()) {
            return Optional.empty();
        }
        Holder h = new Holder(row.get("username", String.class), role.get());
        recent.put(hash, h);
        return Optional.of(h);
    }

    /** Ends the login of a token (logging out); a token that is not known is ignored. */
    @Transactional
    public void close(String token) {
        if (token == null || token.isEmpty() || token.length() > LONGEST_TOKEN) {
            return;
        }
        String hash = hash(token);
        em.createNativeQuery("delete from login_sessions where token_hash = ?1").setParameter(1, hash).executeUpdate();
        recent.invalidate(hash);
    }

    /** Ends every login of a user, in the caller's transaction (a new password, a disabled account). */
    @Transactional
    void closeAll(String username) {
        em.createNativeQuery("delete from login_sessions where user_id = (select id from users where username = ?1)")
                .setParameter(1, username).executeUpdate();
        recent.invalidateAll();
    }

    /** Forgets the recent look-ups, so the next request reads the table (after a committed change). */
    void forgetRecent() {
        recent.invalidateAll();
    }

    /** The cookie that carries a token: sent back only to this site, never readable by scripts. */
    static Cookie cookie(String token, boolean secure) {
        return Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }

    /** A cookie that makes the browser drop the token. */
    static Cookie expired(boolean secure) {
        return cookie("", secure).setMaxAge(0);
    }

    /** Tells the browser to drop both login cookies (also the one Quarkus may renew while answering). */
    void forgetInBrowser(RoutingContext context) {
        boolean secure = context.request().isSSL();
        context.response().addCookie(expired(secure));
        context.response().addCookie(Cookie.cookie(loginCookie, "").setPath(loginCookiePath).setMaxAge(0)
                .setHttpOnly(true).setSecure(secure));
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

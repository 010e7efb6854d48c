package org.rationale.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gives every cookie that a response sets through its headers the flags Quarkus leaves to the
 * servlet container: the UI's servlet session ({@code JSESSIONID}, set by Undertow for Vaadin)
 * gets {@code HttpOnly}, {@code SameSite=Lax} unless it has a SameSite already, and {@code Secure}
 * when the request came over TLS. (The login cookies are made with these flags:
 * {@code quarkus.http.auth.form.http-only-cookie} and {@link LoginSessions#cookie}.)
 */
@ApplicationScoped
public class CookieFlagsFilter {

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            HttpServerResponse response = rc.response();
            boolean secure = rc.request().isSSL();
            rc.addHeadersEndHandler(v -> {
                List<String> cookies = response.headers().getAll(HttpHeaders.SET_COOKIE);
                if (cookies.isEmpty()) {
                    return;
                }
                List<String> flagged = new ArrayList<>(cookies.size());
                for (String c : cookies) {
                    flagged.add(withFlags(c, secure));
                }
                response.headers().remove("Set-Cookie");
                response.headers().add("Set-Cookie", flagged);
            });
            rc.next();
        }, 1200);
    }

    /** A {@code Set-Cookie} value with HttpOnly, a SameSite and (over TLS) Secure added where missing. */
    static String withFlags(String setCookie, boolean secure) {
        StringBuilder out = new StringBuilder(setCookie);
        boolean httpOnly = false;
        boolean sameSite = false;
        boolean isSecure = false;
        String[] parts = setCookie.split(";");
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].strip().toLowerCase(Locale.ROOT);
            httpOnly |= attribute.equals("httponly");
            sameSite |= attribute.startsWith("samesite");
            isSecure |= attribute.equals("secure");
        }
        if (!httpOnly) {
            out.append("; HttpOnly");
        }
        if (!sameSite) {
            out.append("; SameSite=Lax");
        }
        if (secure && !isSecure) {
            out.append("; Secure");
        }
        return out.toString();
    }
}

package org.rationale.security;

import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import org.hamcrest.Matchers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logins through the form (the UI's encrypted cookie): logging out and a new password end them on
 * the server, so a copy of the cookies saved earlier no longer opens anything.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class LoginSessionTest {

    /** Logs in through the login form as a browser does and returns every cookie the answer set. */
    static Map<String, String> formLogin(String username, String password) {
        Response r = given().auth().none().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", username).formParam("password", password).post("/j_security_check");
        r.then().statusCode(302);
        Map<String, String> cookies = r.getCookies();
        assertNotNull(cookies.get("quarkus-credential"), "the form login sets the login cookie");
        return cookies;
    }

    static RequestSpecification with(Map<String, String> cookies) {
        return given().auth().none().redirects().follow(false).cookies(cookies);
    }

    @Test
    void logoutEndsTheLoginEvenForASavedCopyOfTheCookie() {
        Api.newUser("leaves-for-lunch", "expert");
        Map<String, String> saved = formLogin("leaves-for-lunch", "leaves-for-lunch-password");
        with(saved).get("/api/me").then().statusCode(200).body("username", equalTo("leaves-for-lunch"));

        with(saved).get("/logout").then().statusCode(200);
        with(saved).get("/api/me").then().statusCode(200); // the page changes nothing
        with(saved).post("/logout").then().statusCode(303);

        with(saved).get("/api/me").then().statusCode(401);
        with(Map.of("quarkus-credential", saved.get("quarkus-credential"))).get("/api/me").then().statusCode(401);
    }

    @Test
    void aLoginCookieWhoseLoginEndedIsDroppedSoTheLoginPageOpens() {
        Api.newUser("stale-cookie", "expert");
        Map<String, String> saved = formLogin("stale-cookie", "stale-cookie-password");
        with(saved).post("/logout").then().statusCode(303);
        // a browser that kept only the login cookie (say, from before server-side logins existed)
        Map<String, String> cookies = new HashMap<>(Map.of("quarkus-credential", saved.get("quarkus-credential")));
        int hops = 0;
        String page = "/login";
        Response r = with(cookies).get(page);
        // the browser keeps what it is told (a redirect is followed, a refused page reloaded), a few times at most
        while (r.statusCode() != 200 && hops++ < 3) {
            r.getDetailedCookies().asList().forEach(c -> {
                if (c.getMaxAge() == 0) {
                    cookies.remove(c.getName());
                } else {
                    cookies.put(c.getName(), c.getValue());
                }
            });
            page = r.statusCode() == 302 ? r.getHeader("Location") : page;
            r = with(cookies).get(page);
        }
        assertEquals(200, r.statusCode(), "the login page opens at the first reload, not never");
        assertFalse(cookies.containsKey("quarkus-credential"), "the ended login's cookie is dropped: " + cookies);
    }

    @Test
    void aNewPasswordEndsTheLoginsMadeWithTheOldOne() {
        long id = Api.newUser("reset-victim", "auditor");
        Map<String, String> saved = formLogin("reset-victim", "reset-victim-password");
        with(saved).get("/api/me").then().statusCode(200);

        given().contentType(ContentType.JSON).body(Map.of("password", "a-brand-new-password"))
                .put("/api/users/" + id + "/password").then().statusCode(204);

        with(saved).get("/api/me").then().statusCode(401);
        Map<String, String> fresh = formLogin("reset-victim", "a-brand-new-password");
        with(fresh).get("/api/me").then().statusCode(200).body("username", equalTo("reset-victim"));
    }

    @Test
    void aDisabledUsersLoginCookieOpensNothing() {
        long id = Api.newUser("cookie-leaver", "expert");
        Map<String, String> saved = formLogin("cookie-leaver", "cookie-leaver-password");
        with(saved).get("/api/me").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("enabled", false)).patch("/api/users/" + id).then().statusCode(200);
        with(saved).get("/api/me").then().statusCode(401);
    }

    @Test
    void loginCookiesAreHttpOnlyAndPagesRefuseFraming() {
        Api.newUser("cookie-flags", "expert");
        Response login = given().auth().none().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", "cookie-flags").formParam("password", "cookie-flags-password").post("/j_security_check");
        login.then().statusCode(302);
        var setCookies = login.getHeaders().getValues("Set-Cookie");
        assertTrue(setCookies.stream().anyMatch(c -> c.startsWith("quarkus-credential=")), setCookies.toString());
        for (String c : setCookies) {
            assertTrue(c.toLowerCase().contains("httponly"), "HttpOnly on " + c);
        }

        // the UI's servlet session cookie
        Response page = given().auth().none().redirects().follow(false).get("/login");
        page.then().statusCode(200)
                .header("X-Frame-Options", equalTo("SAMEORIGIN"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'self'"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
        var sessionCookies = page.getHeaders().getValues("Set-Cookie");
        assertTrue(sessionCookies.stream().anyMatch(c -> c.startsWith("JSESSIONID=")), sessionCookies.toString());
        for (String c : sessionCookies) {
            assertTrue(c.toLowerCase().contains("httponly"), "HttpOnly on " + c);
        }

        // API answers, errors included
        for (Response r : new Response[] {given().get("/api/me"), given().auth().none().get("/api/me"),
                given().get("/api/no-such-thing")}) {
            r.then().header("X-Frame-Options", equalTo("SAMEORIGIN")).header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'self'"));
        }
    }

    @Test
    void aUsernameThatCannotExistIsRefusedWithoutALookUp() {
        // a NUL byte once reached the database and came back as a 500 carrying SQL
        given().auth().none().contentType(ContentType.JSON).body(Map.of("username", "ad\u0000min", "password", "whatever-password"))
                .post("/api/login-check").then().statusCode(Matchers.oneOf(400, 401)).contentType(ContentType.JSON)
                .body(Matchers.not(containsString("users")));
        given().auth().preemptive().basic("ad\u0000min", "whatever-password").get("/api/me").then().statusCode(400)
                .contentType(ContentType.JSON).body(Matchers.not(containsString("users")));
    }

    @Test
    void overlongCredentialsAreRefusedWithA400BeforeAnyCheck() {
        String longName = "n".repeat(1_000);
        given().auth().preemptive().basic(longName, "whatever-password").get("/api/me").then().statusCode(400)
                .contentType(ContentType.JSON).body("error", containsString("too long"));
        given().auth().preemptive().basic("admin", "p".repeat(1_000)).get("/api/me").then().statusCode(400)
                .contentType(ContentType.JSON).body("error", containsString("too long"));
        given().auth().none().contentType(ContentType.JSON)
                .body(Map.of("username", "u".repeat(1_000_000), "password", "whatever-password"))
                .post("/api/login-check").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("too long"));
        given().auth().none().contentType(ContentType.JSON).body(Map.of("username", longName, "password", "whatever-password"))
                .post("/api/login-check").then().statusCode(400).body("error", containsString("too long"));
        given().auth().none().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", "u".repeat(100_000)).formParam("password", "whatever-password")
                .post("/j_security_check").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("too long"));
        given().contentType(ContentType.JSON).body(Map.of("username", longName, "password", "long-enough-pw", "role", "expert"))
                .post("/api/users").then().statusCode(400).body("error", containsString("Invalid username"))
                .body("error", Matchers.not(containsString(longName)));
    }
}

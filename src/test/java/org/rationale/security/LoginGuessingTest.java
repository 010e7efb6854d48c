package org.rationale.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.net.InetAddress;
import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a password guesser can and cannot do: fill memory, tell names apart by time, lock others out. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class LoginGuessingTest {

    @Inject
    AccountIdentityProvider identities;

    @Test
    void manyFailedUsernamesLeaveTheFailureTableBounded() {
        // the test profile remembers at most 50 (username, address) pairs
        for (int i = 0; i < 120; i++) {
            String name = "nobody-" + i;
            assertThrows(AuthenticationFailedException.class, () -> identities.check(name, "wrong-password", "192.0.2.1"));
        }
        long tracked = identities.trackedFailures();
        assertTrue(tracked <= 50, "failures of " + tracked + " pairs remembered");
    }

    @Test
    void anUnknownUsernameTakesAsLongToRefuseAsAKnownOne() {
        Api.newUser("timed-user", "expert");
        long[] known = new long[7];
        long[] unknown = new long[7];
        for (int i = 0; i < known.length; i++) {
            String address = "198.51.100." + i; // a fresh address each time: no lockout cuts a check short
            unknown[i] = timeRefusal("timed-nobody-" + i, address);
            known[i] = timeRefusal("timed-user", address);
        }
        double ratio = (double) median(unknown) / median(known);
        assertTrue(ratio > 0.4, "an unknown name is refused in " + ratio + " of the time a known one takes");
    }

    private long timeRefusal(String username, String address) {
        long start = System.nanoTime();
        assertThrows(AuthenticationFailedException.class, () -> identities.check(username, "not-the-password", address));
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @Test
    void wrongPasswordsFromOneAddressDoNotLockOutAnother() {
        Api.newUser("locked-here", "expert");
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertThrows(AuthenticationFailedException.class,
                    () -> identities.check("locked-here", "guess-" + n, "203.0.113.9"));
        }
        var locked = assertThrows(AuthenticationFailedException.class,
                () -> identities.check("locked-here", "locked-here-password", "203.0.113.9"));
        assertTrue(locked.getMessage().startsWith("Too many"), locked.getMessage());
        assertEquals(Role.EXPERT, identities.check("locked-here", "locked-here-password", "203.0.113.10"));
    }

    @Test
    void overHttpAStrangersGuessesLockOnlyTheStrangersAddress() throws Exception {
        Api.newUser("admin-like", "expert");
        // the stranger: wrong passwords from 127.0.0.1
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic("admin-like", "guess-" + i).get("/api/me").then().statusCode(401);
        }
        Api.as("admin-like").get("/api/me").then().statusCode(401);
        // the user: the right password from another address of this machine (127.0.0.2 is loopback too)
        var fromElsewhere = RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.route.local-address", InetAddress.getByName("127.0.0.2")));
        Api.as("admin-like").config(fromElsewhere).get("/api/me").then().statusCode(200);
    }

    @Test
    void anIpv6ClientCountsWithItsSlash64() {
        assertEquals(AccountIdentityProvider.addressKey("2001:db8:1:2::1"), AccountIdentityProvider.addressKey("2001:db8:1:2:ffff::7"));
        assertNotEquals(AccountIdentityProvider.addressKey("2001:db8:1:2::1"), AccountIdentityProvider.addressKey("2001:db8:1:3::1"));
        assertEquals("192.0.2.4", AccountIdentityProvider.addressKey("192.0.2.4"));
        assertEquals("192.0.2.4", AccountIdentityProvider.addressKey("::ffff:192.0.2.4"));
    }

    @Test
    void cookiesGetHttpOnlySameSiteAndOverTlsSecure() {
        assertEquals("JSESSIONID=abc; path=/; HttpOnly; SameSite=Lax", CookieFlagsFilter.withFlags("JSESSIONID=abc; path=/", false));
        assertEquals("JSESSIONID=abc; path=/; HttpOnly; SameSite=Lax; Secure", CookieFlagsFilter.withFlags("JSESSIONID=abc; path=/", true));
        assertEquals("a=b; HttpOnly; SameSite=Strict; Secure", CookieFlagsFilter.withFlags("a=b; HttpOnly; SameSite=Strict; Secure", true));
    }
}

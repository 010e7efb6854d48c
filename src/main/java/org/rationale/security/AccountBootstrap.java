package org.rationale.security;

import jakarta.annotation.Priority;
import java.util.Collections;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes sure someone can log in: on a database without an admin, creates {@code admin} with the
 * password of {@code RATIONALE_ADMIN_PASSWORD} or a generated one, printed once. The demo adds one
 * user per role ({@link #ensureDemoUsers}).
 */
@ApplicationScoped
public class AccountBootstrap {

    private static final Logger LOG = Logger.getLogger(AccountBootstrap.class);
    /** Demo users and their roles. */
    public static final Map<String, Role> DEMO_USERS = demoUsers();

    private final AccountService accounts;
    private final RationaleConfig config;

    AccountBootstrap(AccountService accounts, RationaleConfig config) {
        this.accounts = accounts;
        this.config = config;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (!"server".equals(config.role())) {
            return;
        }
        // a configured password that would be refused later fails the start now, with the reason
        requireLongEnough("RATIONALE_ADMIN_PASSWORD", config.adminPassword().orElse(null));
        requireLongEnough("RATIONALE_DEMO_USERS_PASSWORD", config.demo().usersPassword().orElse(null));
        if (accounts.enabledAdmins() > 0) {
            return;
        }
        String given = config.adminPassword().orElse(null);
        String pw = accounts.ensure("admin", Role.ADMIN, given);
        if (pw == null) {
            LOG.warn("No enabled admin exists and the user 'admin' is taken by another role: fix it in the database");
        } else if (given == null) {
            announce("Created the user 'admin' with the generated password " + pw
                    + "  (shown once; set RATIONALE_ADMIN_PASSWORD to choose it)");
        } else {
            LOG.info("Created the user 'admin' with the password from RATIONALE_ADMIN_PASSWORD");
        }
    }

    /** Creates the demo users that do not exist yet and makes those members of the demo project. */
    public void ensureDemoUsers(long projectId) {
        String given = config.demo().usersPassword().orElse(null);
        String generated = given == null ? AccountService.generatedPassword() : given;
        StringBuilder made = new StringBuilder();
        for (var e : DEMO_USERS.entrySet()) {
            // only a user created now joins the demo project: an admin's later removal stays removed
            if (accounts.ensure(e.getKey(), e.getValue(), generated) != null) {
                made.append(made.length() == 0 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue().value()).append(')');
                accounts.byUsername(e.getKey()).ifPresent(a -> accounts.addMember(projectId, a.id()));
            }
        }
        if (made.length() > 0) {
            announce("Created the demo users " + made + " with the password " + (given == null ? generated
                    + "  (generated, shown once; set RATIONALE_DEMO_USERS_PASSWORD to choose it)" : "from RATIONALE_DEMO_USERS_PASSWORD"));
        }
    }

    private static void requireLongEnough(String setting, String password) {
        if (password != null && password.length() < AccountService.MIN_PASSWORD) {
            throw new IllegalStateException(setting + " is too short: passwords have at least "
                    + AccountService.MIN_PASSWORD + " characters");
        }
    }

    private static void announce(String message) {
        String line = "=".repeat(Math.min(120, message.length() + 4));
        LOG.warn("\n" + line + "\n  " + message + "\n" + line);
    }

    private static Map<String, Role> demoUsers() {
        Map<String, Role> m = new LinkedHashMap<>();
        m.put("expert1", Role.EXPERT);
        m.put("expert2", Role.EXPERT);
        m.put("engineer", Role.ENGINEER);
        m.put("auditor", Role.AUDITOR);
        return Collections.unmodifiableMap(m);
    }
}

package org.rationale.security;

import org.rationale.error.Invalid;
import org.rationale.error.InvalidFields;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditLog;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Users, their roles and their project memberships: the rules (username format, password length,
 * at least one enabled admin) live here; the REST resource and the admin view both call it.
 */
@ApplicationScoped
public class AccountService {

    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,39}$");
    static final int MIN_PASSWORD = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccountStore store;
    private final ProjectMembers memberships;

    @Inject
    AccountIdentityProvider identities;
    @Inject
    Event<AccountChanged> changes;
    @Inject
    AuditLog audit;
    @Inject
    LoginSessions sessions;

    AccountService(AccountStore store, ProjectMembers memberships) {
        this.store = store;
        this.memberships = memberships;
    }

    /** Forgets remembered logins only once the change is committed (else a login in between re-caches the old row). */
    void forgetAfterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) AccountChanged change) {
        identities.forget(change.username());
    }

    /** Whether a name could be a username at all (the rule of {@link #create}); others are never looked up. */
    static boolean isPossibleUsername(String name) {
        return name != null && USERNAME.matcher(name).matches();
    }

    /** A user as clients see it (never the hash), with the projects they belong to. */
    public record Account(long id, String username, String displayName, Role role, boolean enabled,
                          List<Long> projectIds) {
    }

    /** What the identity provider needs to check a login. */
    record Credentials(String username, String passwordHash, Role role, boolean enabled) {
    }

    /** Creates a user; 400 for a bad name, password or role, 409 when the name is taken. */
    @Transactional
    public Account create(String username, String displayName, String password, String role) {
        String name = username == null ? "" : username.strip();
        // every problem at once, by field, so that a form shows each at its field
        Map<String, String> problems = new LinkedHashMap<>();
        if (!USERNAME.matcher(name).matches()) {
            String shown = name.isEmpty() ? "is missing" : name.length() > 40 ? "has " + name.length() + " characters"
                    : "'" + name + "' is not allowed";
            problems.put("username", "The username " + shown + ": 2 to 40 characters, lower-case letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit");
        }
        if (Role.of(role).isEmpty()) {
            problems.put("role", "Roles: " + Arrays.stream(Role.values()).map(Role::value)
                    .collect(Collectors.joining(", ")));
        }
        String weak = passwordProblem(password);
        if (weak != null) {
            problems.put("password", weak);
        }
        if (problems.size() == 1) {
            String field = problems.keySet().iterator().next();
            throw new InvalidFields(switch (field) {
                case "username" -> "Invalid username";
                case "role" -> "Invalid role '" + role + "'";
                default -> password == null || password.length() < MIN_PASSWORD ? "Password too short"
                        : "Password too long";
            }, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields("Invalid new user", problems);
        }
        Role r = requireRole(role);
        if (store.exists(name)) {
            throw new Conflict("Username taken", "A user named '" + name + "' exists");
        }
        UserAccount u = new UserAccount();
        u.username = name;
        u.displayName = displayName == null || displayName.isBlank() ? name : displayName.strip();
        u.passwordHash = BcryptUtil.bcryptHash(password);
        u.role = r;
        u.enabled = true;
        u.persist();
        audit.record("user.create", "user:" + u.id, null, AuditLog.details(
                "username", u.username, "displayName", u.displayName, "role", u.role.value()));
        return view(u);
    }

    /** Changes role, enabled flag or display name (null leaves a field as it is). */
    @Transactional
    public Account update(long id, String role, Boolean enabled, String displayName) {
        UserAccount u = require(id);
        // admins are counted under a lock: two admins demoting each other at once must not leave none
        store.lockEnabledAdmins();
        Role r = role == null ? u.role : requireRole(role);
        boolean e = enabled == null ? u.enabled : enabled;
        if (u.role == Role.ADMIN && u.enabled && !(r == Role.ADMIN && e) && enabledAdmins() <= 1) {
            throw new Conflict("Last admin", "'" + u.username + "' is the only enabled admin; make another admin first");
        }
        var before = AuditLog.details("previousRole", u.role.value(), "previousEnabled", u.enabled,
                "previousDisplayName", u.displayName);
        u.role = r;
        u.enabled = e;
        if (displayName != null && !displayName.isBlank()) {
            u.displayName = displayName.strip();
        }
        var details = AuditLog.details("username", u.username, "role", u.role.value(), "enabled", u.enabled,
                "displayName", u.displayName);
        details.putAll(before);
        audit.record("user.update", "user:" + u.id, null, details);
        if (!e) {
            sessions.closeAll(u.username);
        }
        changes.fire(new AccountChanged(u.username));
        return view(u);
    }

    /** Sets a new password. */
    @Transactional
    public void setPassword(long id, String password) {
        checkPassword(password);
        UserAccount u = require(id);
        u.passwordHash = BcryptUtil.bcryptHash(password);
        // logins made with the old password end (a saved login cookie no longer opens anything)
        sessions.closeAll(u.username);
        audit.record("user.password", "user:" + u.id, null, AuditLog.details("username", u.username));
        changes.fire(new AccountChanged(u.username));
    }

    @Transactional
    public List<Account> list() {
        List<UserAccount> users = store.all();
        List<Account> out = new ArrayList<>();
        for (UserAccount u : users) {
            out.add(view(u));
        }
        return out;
    }

    @Transactional
    public Optional<Account> find(long id) {
        return store.find(id).map(this::view);
    }

    @Transactional
    public Optional<Account> byUsername(String username) {
        return store.byUsername(username).map(this::view);
    }

    @Transactional
    Optional<Credentials> credentials(String username) {
        return store.byUsername(username)
                .map(u -> new Credentials(u.username, u.passwordHash, u.role, u.enabled));
    }

    /** Makes a user a member of a project (idempotent); 404 for an unknown user or project. */
    @Transactional
    public void addMember(long projectId, long userId) {
        UserAccount u = require(userId);
        if (!memberships.exists(projectId)) {
            throw NotFound.of("Project " + projectId);
        }
        if (memberships.add(projectId, userId)) {
            audit.record("membership.add", "user:" + userId, projectId, AuditLog.details(
                    "username", u.username, "role", u.role.value()));
        }
    }

    /** Ends a membership; false when there was none. */
    @Transactional
    public boolean removeMember(long projectId, long userId) {
        boolean removed = memberships.remove(projectId, userId);
        if (removed) {
            UserAccount u = store.find(userId).orElse(null);
            audit.record("membership.remove", "user:" + userId, projectId, AuditLog.details(
                    "username", u == null ? null : u.username, "role", u == null ? null : u.role.value()));
        }
        return removed;
    }

    /** Members of a project, by username. */
    @Transactional
    public List<Account> members(long projectId) {
        return store.members(projectId).stream().map(this::view).toList();
    }

    /** Ids of the projects a user belongs to. */
    @Transactional
    public List<Long> projectIdsOf(String username) {
        return store.projectIdsOf(username);
    }

    /** Whether a user belongs to a project. */
    @Transactional
    public boolean isMember(String username, long projectId) {
        return store.isMember(username, projectId);
    }

    /**
     * Creates the user unless the name exists; returns the password it was given (null when the
     * user existed). A null password gets a generated one.
     */
    @Transactional
    public String ensure(String username, Role role, String password) {
        if (store.exists(username)) {
            return null;
        }
        String pw = password == null || password.isBlank() ? generatedPassword() : password;
        create(username, null, pw, role.value());
        return pw;
    }

    @Transactional
    long enabledAdmins() {
        return store.enabledAdmins();
    }

    static String generatedPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private UserAccount require(long id) {
        return store.find(id).orElseThrow(() -> NotFound.of("User " + id));
    }

    private static Role requireRole(String role) {
        return Role.of(role).orElseThrow(() -> new Invalid("Invalid role '" + role + "'", "Roles: "
                + Arrays.stream(Role.values()).map(Role::value).collect(Collectors.joining(", "))));
    }

    private static void checkPassword(String password) {
        String problem = passwordProblem(password);
        if (problem != null) {
            throw new InvalidFields(password == null || password.length() < MIN_PASSWORD ? "Password too short"
                    : "Password too long", Map.of("password", problem));
        }
    }

    /** What is wrong with a password, or null when nothing is. */
    private static String passwordProblem(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            return "The password is too short: use at least " + MIN_PASSWORD + " characters";
        }
        if (password.length() > 72) {
            return "The password is too long: bcrypt uses at most 72 characters";
        }
        return null;
    }

    private Account view(UserAccount u) {
        return new Account(u.id, u.username, u.displayName, u.role, u.enabled, store.projectIdsOf(u.id));
    }
}

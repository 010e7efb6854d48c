package org.rationale.audit;

import java.util.List;
import java.util.Optional;

/**
 * The caller as the audit trail needs to know it: who acts, and which projects' events they may
 * read. The trail sits below the accounts, so it defines what it asks and the security package
 * answers it.
 */
public interface AuditCaller {

    /** The logged-in user's name; empty when the system acts (workers, the round conductor, the demo seeder). */
    Optional<String> username();

    /** Whether the caller reads the whole trail (an administrator); fails when nobody is logged in. */
    boolean readsEverything();

    /** The projects whose events the caller may read; fails when nobody is logged in. */
    List<Long> projects();

    /** Refuses a project whose events the caller may not read. */
    void requireProject(long projectId);
}

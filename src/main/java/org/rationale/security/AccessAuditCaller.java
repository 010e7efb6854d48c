package org.rationale.security;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.audit.AuditCaller;

import java.util.List;
import java.util.Optional;

/** Answers the audit trail's questions about the caller from {@link Access}. */
@ApplicationScoped
public class AccessAuditCaller implements AuditCaller {

    private final Access access;

    AccessAuditCaller(Access access) {
        this.access = access;
    }

    @Override
    public Optional<String> username() {
        return access.current().map(Caller::username);
    }

    @Override
    public boolean readsEverything() {
        return access.caller().isAdmin();
    }

    @Override
    public List<Long> projects() {
        return access.memberProjects();
    }

    @Override
    public void requireProject(long projectId) {
        access.requireProject(projectId);
    }
}

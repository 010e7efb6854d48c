package org.rationale.project;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.security.ProjectMembers;

/** Who belongs to which project, as the projects' store keeps it. */
@ApplicationScoped
public class ProjectMembership implements ProjectMembers {

    private final ProjectStore store;

    ProjectMembership(ProjectStore store) {
        this.store = store;
    }

    @Override
    public boolean exists(long projectId) {
        return store.exists(projectId);
    }

    @Override
    public boolean add(long projectId, long userId) {
        return store.addMember(projectId, userId);
    }

    @Override
    public boolean remove(long projectId, long userId) {
        return store.removeMember(projectId, userId);
    }
}

package org.rationale.security;

import org.rationale.error.NotFound;
import org.rationale.error.Forbidden;
import org.rationale.error.NotLoggedIn;
import io.quarkus.arc.Arc;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who may see what, checked at the edges (REST resources and views): an admin sees every project,
 * anyone else only the projects they are a member of. Samples, models, maps and jobs belong to a
 * project and are checked through it (the packages owning them say which, see {@link ProjectScoped}).
 * Workers and other internal callers do not pass through here.
 */
@ApplicationScoped
public class Access {

    private final AccountService accounts;
    private final Instance<CallerSource> sources;
    private final Instance<ProjectScoped> scopes;

    Access(AccountService accounts, Instance<CallerSource> sources, Instance<ProjectScoped> scopes) {
        this.accounts = accounts;
        this.sources = sources;
        this.scopes = scopes;
    }

    /**
     * The caller of this request or UI session, if someone is logged in: the identity of the HTTP
     * request when it has one (its role as it is now), else the first {@link CallerSource} that knows
     * one, such as the user the UI session belongs to (server push carries no HTTP identity).
     */
    public Optional<Caller> current() {
        if (Arc.container() != null && Arc.container().requestContext().isActive()) {
            SecurityIdentity id = Arc.container().instance(CurrentIdentityAssociation.class).get().getIdentity();
            if (id != null && !id.isAnonymous()) {
                return Optional.of(new Caller(id.getPrincipal().getName(),
                        id.getRoles().stream().findFirst().flatMap(Role::of).orElse(null)));
            }
        }
        for (CallerSource source : sources) {
            Optional<Caller> c = source.current();
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    /** The caller; 401 when nobody is logged in. */
    public Caller caller() {
        return current().orElseThrow(() -> new NotLoggedIn("Not logged in", "Log in (HTTP Basic for the API)"));
    }

    /** 403 unless the caller has one of the roles. */
    public Caller requireRole(Role... roles) {
        Caller c = caller();
        if (!c.hasAnyRole(roles)) {
            throw new Forbidden("Not allowed", "This needs the role "
                    + Arrays.stream(roles).map(Role::value).collect(Collectors.joining(" or "))
                    + "; '" + c.username() + "' is " + (c.role() == null ? "" : c.role().value()));
        }
        return c;
    }

    /** Whether the caller sees the project. */
    public boolean sees(long projectId) {
        Caller c = caller();
        return c.isAdmin() || accounts.isMember(c.username(), projectId);
    }

    /** 403 unless the caller sees the project (404 when it does not exist is left to the service). */
    public void requireProject(long projectId) {
        if (!sees(projectId)) {
            throw new Forbidden("Not a member", "'" + caller().username() + "' is not a member of project "
                    + projectId);
        }
    }

    /** Ids of the projects the caller sees; empty list for an admin means nothing, check {@link Caller#isAdmin()}. */
    public List<Long> memberProjects() {
        return accounts.projectIdsOf(caller().username());
    }

    /** The project of a sample, checked; 404 when the sample does not exist. */
    public long requireSample(long sampleId) {
        return require(ProjectScoped.Thing.SAMPLE, sampleId);
    }

    /** The project of a model version, checked; 404 when it does not exist. */
    public long requireModel(long modelId) {
        return require(ProjectScoped.Thing.MODEL, modelId);
    }

    /** The project of a job, checked; 404 when it does not exist. */
    public long requireJob(long jobId) {
        return require(ProjectScoped.Thing.JOB, jobId);
    }

    /** The project of a dataset, checked; 404 when it does not exist. */
    public long requireDataset(long datasetId) {
        return require(ProjectScoped.Thing.DATASET, datasetId);
    }

    private long require(ProjectScoped.Thing thing, long id) {
        ProjectScoped scope = scopes.stream().filter(s -> s.things().contains(thing)).findFirst()
                .orElseThrow(() -> new IllegalStateException("Nothing finds the project of a " + thing.label()));
        long project = scope.projectOf(thing, id).orElseThrow(() -> NotFound.of(thing.label() + " " + id));
        requireProject(project);
        return project;
    }
}

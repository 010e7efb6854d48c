package org.rationale.web;

import jakarta.annotation.security.PermitAll;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Test-only endpoints that fail the ways production code can: a query the database refuses, memory running out. */
@Path("/api/test-failures")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class FailingResource {

    private final EntityManager em;

    FailingResource(EntityManager em) {
        this.em = em;
    }

    @GET
    @Path("/sql")
    @Transactional
    public Object sql() {
        return em.createNativeQuery("select id, username, password_hash from users where no_such_column = 1").getResultList();
    }

    @GET
    @Path("/out-of-memory")
    public Object outOfMemory() {
        throw new OutOfMemoryError("Java heap space");
    }
}
